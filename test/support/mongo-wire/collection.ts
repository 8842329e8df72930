/**
 * One collection's documents as versions over cluster time (the WiredTiger model): every document
 * keeps the committed versions an open snapshot may still read, plus at most one uncommitted write,
 * which belongs to one writer. Stored documents are never mutated in place, so cursors can keep
 * references to them.
 */
import type { Document } from "bson";
import { CommandError } from "./errors.js";
import {
  type CommittedDocument,
  DuplicateKeyError,
  Index,
  type IndexKey,
  type IndexRange,
  type IndexSpec,
  sameIndex,
} from "./indexes.js";
import { valueKey } from "./values.js";
import { Conflict, type Reader, type Writer } from "./writer.js";

interface Version {
  readonly time: number;
  /** Undefined: the document was deleted at `time`. */
  readonly doc: Document | undefined;
}

/**
 * One document's place in the collection: its record id (insertion number) and its committed
 * versions, the latest inline (most documents have only it) and the older ones an open snapshot may
 * still read in `older`.
 */
class Stored {
  /** When the latest committed version was committed; undefined while the first write is uncommitted. */
  time: number | undefined = undefined;
  /** The latest committed version; undefined: deleted at `time` (or none yet). */
  doc: Document | undefined = undefined;
  /** Older committed versions, oldest first; undefined when there are none. */
  older: Version[] | undefined = undefined;

  constructor(readonly recordId: number) {}

  /** The version a snapshot at `snapshot` reads. */
  at(snapshot: number): Document | undefined {
    if (this.time === undefined) return undefined;
    if (this.time <= snapshot) return this.doc;
    const older = this.older;
    if (!older) return undefined;
    for (let i = older.length - 1; i >= 0; i--) {
      const version = older[i] as Version;
      if (version.time <= snapshot) return version.doc;
    }
    return undefined;
  }

  /** Adds a committed version; the one it replaces is kept in `older` (until pruned). */
  push(time: number, doc: Document | undefined): void {
    if (this.time !== undefined) {
      this.older ??= [];
      this.older.push({ time: this.time, doc: this.doc });
    }
    this.time = time;
    this.doc = doc;
  }

  /** Drops the versions no snapshot at or after `oldestSnapshot` reads. */
  prune(oldestSnapshot: number): void {
    const older = this.older;
    if (!older) return;
    if ((this.time as number) <= oldestSnapshot) {
      this.older = undefined;
      return;
    }
    let firstNeeded = older.length - 1;
    while (firstNeeded > 0 && (older[firstNeeded] as Version).time > oldestSnapshot) firstNeeded--;
    if (firstNeeded > 0) older.splice(0, firstNeeded);
  }
}

interface PendingWrite {
  readonly writer: Writer;
  readonly doc: Document | undefined;
}

const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: "_id_" };

export const idKey = (doc: Document): string => valueKey(doc._id);

export class Collection {
  /**
   * Documents by key. The map's order is the natural order; a key whose first version is still
   * uncommitted holds a record without versions to keep its place.
   */
  private readonly versions = new Map<string, Stored>();
  private readonly pending = new Map<string, PendingWrite>();
  /** Keys committed while a transaction was open, with their latest commit time. */
  private readonly recent = new Map<string, number>();
  private readonly indexes = new Map<string, Index>([["_id_", this.newIndex(ID_INDEX)]]);
  private nextRecordId = 1;
  /** Documents in the latest committed state (what an empty count answers). */
  private committedCount = 0;

  constructor(
    readonly dbName: string,
    readonly name: string,
  ) {}

  get ns(): string {
    return `${this.dbName}.${this.name}`;
  }

  get hasUncommittedWrites(): boolean {
    return this.pending.size > 0;
  }

  /** Any writer with an uncommitted write here (a collection drop waits for it). */
  firstPendingWriter(): Writer | undefined {
    for (const write of this.pending.values()) return write.writer;
    return undefined;
  }

  /** The version of a document `reader` sees: its own uncommitted write, else its snapshot's. */
  read(key: string, reader: Reader): Document | undefined {
    const own = this.pending.get(key);
    if (own && own.writer === reader.writer) return own.doc;
    return this.versions.get(key)?.at(reader.snapshot);
  }

  /** Every document `reader` sees, in natural order. */
  all(reader: Reader): Document[] {
    const found: Document[] = [];
    for (const key of this.versions.keys()) {
      const doc = this.read(key, reader);
      if (doc) found.push(doc);
    }
    return found;
  }

  /**
   * The documents whose `field` may equal one of the strings `values`, found through a unique index
   * on that field, as MongoDB would; `undefined` when no index can answer (the caller scans). The
   * index holds the latest committed data, so a reader with its own writes or an older snapshot also
   * gets the documents those touched; the caller applies the filter.
   */
  lookup(field: string, values: readonly string[], reader: Reader): Document[] | undefined {
    for (const index of this.indexes.values()) {
      const owners = values.map((value) => index.ownerOf(field, value));
      if (owners.some((owner) => owner === undefined)) continue;
      const keys = new Set(owners.filter((owner): owner is string => typeof owner === "string"));
      for (const key of reader.writer?.touched.get(this) ?? []) keys.add(key);
      if (reader.snapshot !== Number.POSITIVE_INFINITY) {
        for (const [key, time] of this.recent) if (time > reader.snapshot) keys.add(key);
      }
      const found: Document[] = [];
      for (const key of keys) {
        const doc = this.read(key, reader);
        if (doc) found.push(doc);
      }
      return found;
    }
    return undefined;
  }

  /**
   * The keys whose version `reader` sees may differ from the latest committed one, which is what the
   * indexes hold: its own uncommitted writes, and commits after its snapshot.
   */
  private keysOffIndex(reader: Reader): Set<string> {
    const keys = new Set(reader.writer?.touched.get(this) ?? []);
    if (reader.snapshot !== Number.POSITIVE_INFINITY) {
      for (const [key, time] of this.recent) if (time > reader.snapshot) keys.add(key);
    }
    return keys;
  }

  /** How many documents `reader` sees, without reading them when it sees the latest commit. */
  count(reader: Reader): number {
    let n = this.committedCount;
    for (const key of this.keysOffIndex(reader)) {
      const latest = this.versions.get(key)?.doc;
      n += (this.read(key, reader) ? 1 : 0) - (latest ? 1 : 0);
    }
    return n;
  }

  /** The index named `name`, or the one with key pattern `key`. */
  index(hint: { name?: string; key?: Document }): Index | undefined {
    if (hint.name !== undefined) return this.indexes.get(hint.name);
    const wanted = valueKey(hint.key);
    for (const index of this.indexes.values())
      if (valueKey(index.spec.key) === wanted) return index;
    return undefined;
  }

  walkableIndexes(): Index[] {
    return [...this.indexes.values()].filter((index) => index.walkable);
  }

  /** An index whose tree, when a walk first asks for it, is built from the latest commits. */
  private newIndex(spec: IndexSpec): Index {
    return new Index(spec, () => this.latestCommitted());
  }

  private *latestCommitted(): Generator<CommittedDocument> {
    for (const [key, stored] of this.versions) {
      if (stored.doc) yield [stored.doc, key, stored.recordId];
    }
  }

  /**
   * The documents `reader` sees with a key in one of `ranges` of `index`, in index order (reversed
   * when `reverse`), each once; `examined` counts the documents read. The index's tree holds the
   * latest committed data: the documents `reader` sees otherwise are placed by the keys of the
   * version it sees (and their committed entries skipped), so the walk gives exactly its snapshot.
   */
  *walk(
    index: Index,
    ranges: readonly IndexRange[],
    reverse: boolean,
    reader: Reader,
    examined: { documents: number },
  ): Generator<Document> {
    const tree = index.tree;
    if (!tree) throw new Error(`index ${index.name} cannot be walked`);
    const compare = (a: IndexKey, b: IndexKey) =>
      reverse ? index.compareKeys(b, a) : index.compareKeys(a, b);
    const offIndex = this.keysOffIndex(reader);
    const own: [IndexKey, string][] = [];
    for (const key of offIndex) {
      const doc = this.read(key, reader);
      const recordId = this.versions.get(key)?.recordId as number;
      if (doc) for (const values of index.keyValues(doc)) own.push([[...values, recordId], key]);
    }
    own.sort((a, b) => compare(a[0], b[0]));
    // One range of an index no document reached an array in holds each document once.
    const seen = index.isMultikey || ranges.length > 1 ? new Set<string>() : undefined;
    for (const range of reverse ? [...ranges].reverse() : ranges) {
      const [start, end] = reverse ? [range.last, range.first] : [range.first, range.last];
      const committed = reverse ? tree.entriesReversed(start) : tree.entries(start);
      let next = committed.next();
      let ownAt = own.findIndex(([key]) => compare(key, start) > 0);
      if (ownAt < 0) ownAt = own.length;
      for (;;) {
        while (!next.done && offIndex.has(next.value[1])) next = committed.next();
        const fromTree = next.done || compare(next.value[0], end) > 0 ? undefined : next.value;
        const ownEntry = own[ownAt];
        const fromOwn = ownEntry && compare(ownEntry[0], end) < 0 ? ownEntry : undefined;
        if (!fromTree && !fromOwn) break;
        let docKey: string;
        if (fromTree && (!fromOwn || compare(fromTree[0], fromOwn[0]) < 0)) {
          docKey = fromTree[1];
          next = committed.next();
        } else {
          docKey = (fromOwn as [IndexKey, string])[1];
          ownAt++;
        }
        if (seen) {
          if (seen.has(docKey)) continue;
          seen.add(docKey);
        }
        examined.documents++;
        const doc = this.read(docKey, reader);
        if (doc) yield doc;
      }
    }
  }

  /** `docs` (documents of this collection) in natural order: by record id. */
  inNaturalOrder(docs: Document[]): Document[] {
    const recordId = (doc: Document) => this.versions.get(idKey(doc))?.recordId ?? 0;
    return docs.sort((a, b) => recordId(a) - recordId(b));
  }

  indexSpecs(): IndexSpec[] {
    return [...this.indexes.values()].map((index) => index.spec);
  }

  /** Adds an index, or does nothing if an identical one exists. Returns whether it was added. */
  createIndex(spec: IndexSpec): boolean {
    for (const existing of this.indexes.values()) {
      const sameKey = valueKey(existing.spec.key) === valueKey(spec.key);
      // Asking for { _id: 1 } under any name finds the built-in _id index.
      if (sameKey && existing.name === "_id_") return false;
      if (existing.name === spec.name) {
        if (sameIndex(existing.spec, spec)) return false;
        throw new CommandError(
          86,
          "IndexKeySpecsConflict",
          `An existing index has the same name as the requested index but a different key or options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(existing.spec)}`,
        );
      }
      const samePartial =
        valueKey(existing.spec.partialFilterExpression) === valueKey(spec.partialFilterExpression);
      if (sameKey && samePartial) {
        throw new CommandError(
          85,
          "IndexOptionsConflict",
          `Index already exists with a different name: ${existing.name}`,
        );
      }
    }
    const index = this.newIndex(spec);
    const build = (doc: Document, key: string, taken: Map<string, unknown>) => {
      for (const entry of index.entries(doc)) {
        if (taken.has(entry.key) && taken.get(entry.key) !== key) {
          throw index.duplicate(entry, this.ns).toCommandError();
        }
      }
    };
    for (const [key, stored] of this.versions) {
      const doc = stored.doc;
      if (!doc) continue;
      build(doc, key, index.committed);
      index.addCommitted(doc, key, stored.recordId);
    }
    for (const [key, write] of this.pending) {
      if (!write.doc) continue;
      build(write.doc, key, index.pending);
      index.addPending(write.doc, key, write.writer);
    }
    this.indexes.set(spec.name, index);
    return true;
  }

  dropIndex(name: string): boolean {
    return this.indexes.delete(name);
  }

  /** Inserts a new document (by `writer`, uncommitted until it commits). */
  insert(doc: Document, writer: Writer): void {
    const key = idKey(doc);
    this.checkWritable(key, writer);
    if (this.read(key, writer)) {
      throw new DuplicateKeyError(ID_INDEX, { _id: doc._id }, this.ns);
    }
    this.write(key, doc, writer);
  }

  /** Stores a new version of an existing document (same `_id`). */
  replace(key: string, doc: Document, writer: Writer): void {
    this.checkWritable(key, writer);
    this.write(key, doc, writer);
  }

  remove(key: string, writer: Writer): void {
    this.checkWritable(key, writer);
    if (!this.read(key, writer)) return;
    this.write(key, undefined, writer);
  }

  /** First writer wins: another's uncommitted write, or a commit after the snapshot, conflicts. */
  private checkWritable(key: string, writer: Writer): void {
    const write = this.pending.get(key);
    if (write && write.writer !== writer) throw new Conflict(write.writer, `${this.ns} ${key}`);
    const latest = this.versions.get(key)?.time;
    if (!write && latest !== undefined && latest > writer.snapshot) {
      throw new Conflict(undefined, `${this.ns} ${key}`);
    }
  }

  private write(key: string, doc: Document | undefined, writer: Writer): void {
    if (doc) {
      try {
        this.checkUnique(doc, key, writer);
      } catch (error) {
        for (const index of this.indexes.values()) index.release(doc);
        throw error;
      }
    }
    const previous = this.pending.get(key);
    if (previous?.doc) this.unindexPending(previous.doc, key, true);
    if (!previous) {
      writer.touch(this, key);
      if (!this.versions.has(key)) this.versions.set(key, new Stored(this.nextRecordId++));
    }
    this.pending.set(key, { writer, doc });
    if (doc) for (const index of this.indexes.values()) index.addPending(doc, key, writer);
  }

  /**
   * A unique key is free for `writer` when no other document it sees holds it. Held by another
   * writer's uncommitted write, or by a document committed after its snapshot, it conflicts.
   */
  private checkUnique(doc: Document, key: string, writer: Writer): void {
    for (const index of this.indexes.values()) {
      for (const entry of index.entries(doc)) {
        const pending = index.pending.get(entry.key);
        if (pending && pending.key !== key) {
          if (pending.writer !== writer) throw new Conflict(pending.writer, `${index.name} key`);
          throw index.duplicate(entry, this.ns);
        }
        const owner = index.committed.get(entry.key);
        if (owner === undefined || owner === key) continue;
        const ownerWrite = this.pending.get(owner);
        if (ownerWrite?.writer === writer) continue; // its own version of that document counts
        if (ownerWrite) throw new Conflict(ownerWrite.writer, `${index.name} key`);
        const latest = this.versions.get(owner)?.time;
        if (latest !== undefined && latest > writer.snapshot) {
          throw new Conflict(undefined, `${index.name} key`);
        }
        throw index.duplicate(entry, this.ns);
      }
    }
  }

  /** `discarded`: the write will not be committed (its indexes forget the keys they computed). */
  private unindexPending(doc: Document, key: string, discarded = false): void {
    for (const index of this.indexes.values()) {
      index.removePending(doc, key);
      if (discarded) index.release(doc);
    }
  }

  /**
   * Publishes `writer`'s writes to `keys` at `time`. `keepHistory`: an open transaction may still
   * read the versions they replace.
   */
  commit(writer: Writer, keys: Iterable<string>, time: number, keepHistory: boolean): void {
    for (const key of keys) {
      const write = this.pending.get(key);
      if (write?.writer !== writer) continue;
      this.pending.delete(key);
      if (write.doc) this.unindexPending(write.doc, key);
      let stored = this.versions.get(key);
      if (!stored) {
        stored = new Stored(this.nextRecordId++);
        this.versions.set(key, stored);
      }
      const { recordId } = stored;
      const before = stored.doc;
      if (before) {
        this.committedCount--;
        for (const index of this.indexes.values()) index.removeCommitted(before, key, recordId);
      }
      stored.push(time, write.doc);
      if (write.doc) {
        this.committedCount++;
        for (const index of this.indexes.values()) {
          index.addCommitted(write.doc, key, recordId, true);
        }
      }
      if (keepHistory) this.recent.set(key, time);
      else this.prune(key, Number.POSITIVE_INFINITY);
    }
  }

  /** Discards `writer`'s writes to `keys`. */
  abort(writer: Writer, keys: Iterable<string>): void {
    for (const key of keys) {
      const write = this.pending.get(key);
      if (write?.writer !== writer) continue;
      this.pending.delete(key);
      if (write.doc) this.unindexPending(write.doc, key, true);
      if (this.versions.get(key)?.time === undefined) this.forget(key);
    }
  }

  /** Forgets versions no snapshot at or after `oldestSnapshot` can read. */
  forgetHistory(oldestSnapshot: number): void {
    for (const [key, time] of this.recent) {
      this.prune(key, oldestSnapshot);
      if (time <= oldestSnapshot) this.recent.delete(key);
    }
  }

  get hasHistory(): boolean {
    return this.recent.size > 0;
  }

  private prune(key: string, oldestSnapshot: number): void {
    const stored = this.versions.get(key);
    if (!stored) return;
    stored.prune(oldestSnapshot);
    const onlyADeletion = !stored.older && stored.time !== undefined && !stored.doc;
    if (onlyADeletion && !this.pending.has(key)) this.forget(key);
  }

  private forget(key: string): void {
    this.versions.delete(key);
  }
}
