/**
 * What one command sees and changes: the data of a snapshot (its transaction's, or the latest
 * committed) and, when it writes, its writer's uncommitted changes. Commands use nothing else.
 */
import type { Document } from "bson";
import type { Collection } from "./collection.js";
import { CommandError } from "./errors.js";
import { planWalk, type WalkPlan } from "./index-walk.js";
import type { IndexSpec } from "./indexes.js";
import type { Store } from "./store.js";
import type { Reader, Writer } from "./writer.js";

/** What one command read: the documents it examined (MongoDB's `docsExamined`). */
export interface Examined {
  documents: number;
}

export class CollectionView {
  constructor(
    private readonly collection: Collection,
    private readonly reader: Reader,
    private readonly createdHere: boolean,
    private readonly examined: Examined = { documents: 0 },
  ) {}

  get ns(): string {
    return this.collection.ns;
  }

  get name(): string {
    return this.collection.name;
  }

  get(key: string): Document | undefined {
    const doc = this.collection.read(key, this.reader);
    if (doc) this.examined.documents++;
    return doc;
  }

  all(): Document[] {
    const docs = this.collection.all(this.reader);
    this.examined.documents += docs.length;
    return docs;
  }

  lookup(field: string, values: readonly string[]): Document[] | undefined {
    const docs = this.collection.lookup(field, values, this.reader);
    if (docs) this.examined.documents += docs.length;
    return docs;
  }

  /** How many documents there are, without reading them. */
  count(): number {
    return this.collection.count(this.reader);
  }

  /** The index walk for `filter` and `sort` (`hint`: an index name or key pattern), if one fits. */
  planWalk(filter: Document, sort: Document | undefined, hint: unknown): WalkPlan | undefined {
    let hinted: ReturnType<Collection["index"]>;
    if (typeof hint === "string") hinted = this.collection.index({ name: hint });
    else if (hint && typeof hint === "object" && Object.keys(hint).length > 0) {
      if ("$natural" in hint) return undefined;
      hinted = this.collection.index({ key: hint as Document });
    }
    return planWalk(this.collection.walkableIndexes(), filter, sort, hinted);
  }

  inNaturalOrder(docs: Document[]): Document[] {
    return this.collection.inNaturalOrder(docs);
  }

  /** The documents in the plan's ranges, in its order; the caller applies the filter. */
  walk(plan: WalkPlan): Iterable<Document> {
    return this.collection.walk(plan.index, plan.ranges, plan.reverse, this.reader, this.examined);
  }

  indexSpecs(): IndexSpec[] {
    return this.collection.indexSpecs();
  }

  insert(doc: Document): void {
    this.collection.insert(doc, this.writer());
  }

  replace(key: string, doc: Document): void {
    this.collection.replace(key, doc, this.writer());
  }

  remove(key: string): void {
    this.collection.remove(key, this.writer());
  }

  /**
   * Inside a transaction, as in MongoDB, only on a collection the transaction created (indexes
   * then appear with it at commit).
   */
  createIndex(spec: IndexSpec): boolean {
    const writer = this.writer();
    if (writer.transactional && !this.createdHere) {
      throw new CommandError(
        263,
        "OperationNotSupportedInTransaction",
        `Cannot create new indexes on existing collection ${this.ns} in a multi-document transaction.`,
      );
    }
    return this.collection.createIndex(spec);
  }

  dropIndex(name: string): boolean {
    return this.collection.dropIndex(name);
  }

  private writer(): Writer {
    const { writer } = this.reader;
    if (!writer) throw new Error(`write to ${this.ns} through a read-only view`);
    return writer;
  }
}

export class View {
  constructor(
    private readonly store: Store,
    readonly reader: Reader,
    private readonly examined: Examined = { documents: 0 },
  ) {}

  collection(dbName: string, name: string): CollectionView | undefined {
    const created = this.reader.writer?.created.get(`${dbName}.${name}`);
    if (created) return new CollectionView(created, this.reader, true, this.examined);
    const committed = this.store.collection(dbName, name);
    return committed && new CollectionView(committed, this.reader, false, this.examined);
  }

  /** The collection, created (implicitly, like MongoDB does on first write) if needed. */
  ensureCollection(dbName: string, name: string): CollectionView {
    return this.collection(dbName, name) ?? this.createCollection(dbName, name);
  }

  createCollection(dbName: string, name: string): CollectionView {
    const { writer } = this.reader;
    if (!writer) throw new Error(`create ${dbName}.${name} through a read-only view`);
    const created = this.store.createCollection(dbName, name, writer);
    return new CollectionView(created, this.reader, true, this.examined);
  }
}
