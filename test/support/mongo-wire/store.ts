/**
 * In-memory data: databases → collections → documents, plus their indexes.
 * Stored documents are never mutated in place (updates store a modified copy), so cursors and
 * the undo log can keep references to them.
 */
import type { Document } from "bson";
import { CommandError, invalidNamespace } from "./errors.js";
import { DuplicateKeyError, Index, type IndexSpec, sameIndex } from "./indexes.js";
import { valueKey } from "./values.js";

/** Receives every change made on behalf of a transaction so that it can be undone on abort. */
export interface UndoRecorder {
  documentChanged(collection: Collection, key: string, before: Document | undefined): void;
  collectionCreated(database: Database, collection: Collection): void;
  indexCreated(collection: Collection, name: string): void;
}

const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: "_id_" };

export const idKey = (doc: Document): string => valueKey(doc._id);

export class Collection {
  private readonly docs = new Map<string, Document>();
  private readonly indexes = new Map<string, Index>([["_id_", new Index(ID_INDEX)]]);

  constructor(
    readonly dbName: string,
    readonly name: string,
  ) {}

  get ns(): string {
    return `${this.dbName}.${this.name}`;
  }

  get(key: string): Document | undefined {
    return this.docs.get(key);
  }

  /**
   * The documents whose `field` can equal one of the strings `values`, found through a unique index
   * on that field, as MongoDB would; `undefined` when no index can answer (the caller scans).
   */
  lookup(field: string, values: readonly string[]): Document[] | undefined {
    for (const index of this.indexes.values()) {
      const owners = values.map((value) => index.ownerOf(field, value));
      if (owners.some((owner) => owner === undefined)) continue;
      const found: Document[] = [];
      for (const key of new Set(owners)) {
        const doc = key === null || key === undefined ? undefined : this.docs.get(key);
        if (doc) found.push(doc);
      }
      return found;
    }
    return undefined;
  }

  /** A snapshot of the documents in insertion order. */
  all(): Document[] {
    return [...this.docs.values()];
  }

  indexSpecs(): IndexSpec[] {
    return [...this.indexes.values()].map((index) => index.spec);
  }

  /** Adds an index, or does nothing if an identical one exists. Returns whether it was added. */
  createIndex(spec: IndexSpec, undo?: UndoRecorder): boolean {
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
    const index = new Index(spec);
    for (const [key, doc] of this.docs) {
      const conflict = index.findConflict(doc, key, this.ns);
      if (conflict) throw conflict.toCommandError();
      index.add(doc, key);
    }
    this.indexes.set(spec.name, index);
    undo?.indexCreated(this, spec.name);
    return true;
  }

  dropIndex(name: string): boolean {
    return this.indexes.delete(name);
  }

  insert(doc: Document, undo?: UndoRecorder): void {
    const key = idKey(doc);
    if (this.docs.has(key)) {
      throw new DuplicateKeyError(ID_INDEX, { _id: doc._id }, this.ns);
    }
    this.checkUnique(doc, key);
    this.put(key, doc);
    undo?.documentChanged(this, key, undefined);
  }

  /** Stores a new version of an existing document (same `_id`), keeping its natural position. */
  replace(key: string, doc: Document, undo?: UndoRecorder): void {
    const before = this.docs.get(key);
    if (!before) throw new Error(`replace of unknown document ${key} in ${this.ns}`);
    this.checkUnique(doc, key);
    this.unindex(key, before);
    this.put(key, doc);
    undo?.documentChanged(this, key, before);
  }

  remove(key: string, undo?: UndoRecorder): void {
    const before = this.docs.get(key);
    if (!before) return;
    this.unindex(key, before);
    this.docs.delete(key);
    undo?.documentChanged(this, key, before);
  }

  /** Puts back an earlier version (or absence) of a document; used when undoing a transaction. */
  restore(key: string, before: Document | undefined): void {
    const current = this.docs.get(key);
    if (current) this.unindex(key, current);
    if (before) this.put(key, before);
    else this.docs.delete(key);
  }

  private checkUnique(doc: Document, key: string): void {
    for (const index of this.indexes.values()) {
      const conflict = index.findConflict(doc, key, this.ns);
      if (conflict) throw conflict;
    }
  }

  private put(key: string, doc: Document): void {
    this.docs.set(key, doc);
    for (const index of this.indexes.values()) index.add(doc, key);
  }

  private unindex(key: string, doc: Document): void {
    for (const index of this.indexes.values()) index.remove(doc, key);
  }
}

export class Database {
  readonly collections = new Map<string, Collection>();

  constructor(readonly name: string) {}
}

const INVALID_DB_NAME = /[/\\. "$*<>:|?\0]/;

export class Store {
  private readonly databases = new Map<string, Database>();

  /** Databases that hold at least one collection (MongoDB does not list empty ones). */
  databaseNames(): string[] {
    return [...this.databases.values()].filter((db) => db.collections.size).map((db) => db.name);
  }

  database(name: string): Database | undefined {
    return this.databases.get(name);
  }

  collection(dbName: string, name: string): Collection | undefined {
    return this.databases.get(dbName)?.collections.get(name);
  }

  /** The collection, created (implicitly, like MongoDB does on first write) if needed. */
  ensureCollection(dbName: string, name: string, undo?: UndoRecorder): Collection {
    const existing = this.collection(dbName, name);
    if (existing) return existing;
    return this.createCollection(dbName, name, undo);
  }

  createCollection(dbName: string, name: string, undo?: UndoRecorder): Collection {
    if (dbName === "" || INVALID_DB_NAME.test(dbName)) {
      throw invalidNamespace(`Invalid database name: '${dbName}'`);
    }
    if (name === "" || name.includes("$") || name.includes("\0") || name.startsWith(".")) {
      throw invalidNamespace(`Invalid collection name: '${name}'`);
    }
    let database = this.databases.get(dbName);
    if (!database) {
      database = new Database(dbName);
      this.databases.set(dbName, database);
    }
    const collection = new Collection(dbName, name);
    database.collections.set(name, collection);
    undo?.collectionCreated(database, collection);
    return collection;
  }

  dropCollection(dbName: string, name: string): boolean {
    return this.databases.get(dbName)?.collections.delete(name) ?? false;
  }

  dropDatabase(dbName: string): void {
    this.databases.delete(dbName);
  }
}
