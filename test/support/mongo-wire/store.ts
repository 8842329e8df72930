/**
 * In-memory data: databases → collections → versioned documents, and the writers changing them.
 * A writer's changes, collections it created included, become visible to others at once when it
 * commits, at a new cluster time; until then only the writer sees them.
 */
import type { LogicalClock } from "./clock.js";
import { Collection } from "./collection.js";
import { invalidNamespace } from "./errors.js";
import { Conflict, Writer } from "./writer.js";

export { idKey } from "./collection.js";

export class Database {
  readonly collections = new Map<string, Collection>();

  constructor(readonly name: string) {}
}

const INVALID_DB_NAME = /[/\\. "$*<>:|?\0]/;

function checkNamespace(dbName: string, name: string): void {
  if (dbName === "" || INVALID_DB_NAME.test(dbName)) {
    throw invalidNamespace(`Invalid database name: '${dbName}'`);
  }
  if (name === "" || name.includes("$") || name.includes("\0") || name.startsWith(".")) {
    throw invalidNamespace(`Invalid collection name: '${name}'`);
  }
}

export class Store {
  private readonly databases = new Map<string, Database>();
  /** Open transactions, whose snapshots keep older versions alive. */
  private readonly transactions = new Set<Writer>();
  /** Collections created by a writer that has not committed yet, by namespace. */
  private readonly creating = new Map<string, Writer>();
  private readonly withHistory = new Set<Collection>();
  private oldestSnapshot = Number.POSITIVE_INFINITY;

  constructor(private readonly clock: LogicalClock) {}

  /** Databases that hold at least one collection (MongoDB does not list empty ones). */
  databaseNames(): string[] {
    return [...this.databases.values()].filter((db) => db.collections.size).map((db) => db.name);
  }

  database(name: string): Database | undefined {
    return this.databases.get(name);
  }

  /** A committed collection. */
  collection(dbName: string, name: string): Collection | undefined {
    return this.databases.get(dbName)?.collections.get(name);
  }

  /** A new writer reading the latest committed data. */
  begin(transactional: boolean): Writer {
    const writer = new Writer(this.clock.now(), transactional);
    if (transactional) this.transactions.add(writer);
    return writer;
  }

  /** Creates a collection visible to `writer` only, until it commits. */
  createCollection(dbName: string, name: string, writer: Writer): Collection {
    checkNamespace(dbName, name);
    const ns = `${dbName}.${name}`;
    const creator = this.creating.get(ns);
    if (creator && creator !== writer) throw new Conflict(creator, `creating ${ns}`);
    const collection = new Collection(dbName, name);
    writer.created.set(ns, collection);
    this.creating.set(ns, writer);
    return collection;
  }

  commit(writer: Writer): void {
    if (!writer.open) return;
    const time = this.clock.tick();
    for (const [ns, collection] of writer.created) {
      this.creating.delete(ns);
      let database = this.databases.get(collection.dbName);
      if (!database) {
        database = new Database(collection.dbName);
        this.databases.set(collection.dbName, database);
      }
      database.collections.set(collection.name, collection);
    }
    this.transactions.delete(writer);
    const keepHistory = this.transactions.size > 0;
    for (const [collection, keys] of writer.touched) {
      collection.commit(writer, keys, time, keepHistory);
      if (keepHistory) this.withHistory.add(collection);
    }
    writer.end("committed");
    this.forgetHistory();
  }

  abort(writer: Writer): void {
    if (!writer.open) return;
    for (const ns of writer.created.keys()) this.creating.delete(ns);
    for (const [collection, keys] of writer.touched) collection.abort(writer, keys);
    this.transactions.delete(writer);
    writer.end("aborted");
    this.forgetHistory();
  }

  dropCollection(dbName: string, name: string): boolean {
    return this.databases.get(dbName)?.collections.delete(name) ?? false;
  }

  dropDatabase(dbName: string): void {
    this.databases.delete(dbName);
  }

  /** Drops the versions that no open transaction's snapshot can read any more. */
  private forgetHistory(): void {
    let oldest = Number.POSITIVE_INFINITY;
    for (const writer of this.transactions) oldest = Math.min(oldest, writer.snapshot);
    if (oldest === this.oldestSnapshot && oldest !== Number.POSITIVE_INFINITY) return;
    this.oldestSnapshot = oldest;
    for (const collection of this.withHistory) {
      collection.forgetHistory(oldest);
      if (!collection.hasHistory) this.withHistory.delete(collection);
    }
  }
}
