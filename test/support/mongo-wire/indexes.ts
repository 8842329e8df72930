import type { Document } from "bson";
import type btreeModule from "sorted-btree";
import { bulkLoad } from "sorted-btree/extended/bulkLoad.js";
import { compareBson } from "./bson-order.js";
import { badValue, CommandError, unsupported } from "./errors.js";
import { compileFilter, type Matcher } from "./query-engine.js";
import { formatValue, isPlainObject, MISSING, valueKey, valuesAtPath } from "./values.js";
import type { Writer } from "./writer.js";

type Tree<K, V> = InstanceType<typeof btreeModule.default<K, V>>;
/** Keys per tree node (sorted-btree's default). */
const MAX_NODE_SIZE = 32;

/** A committed document as the collection holds it: the document, its key and its record id. */
export type CommittedDocument = readonly [doc: Document, docKey: string, recordId: number];

/** What `listIndexes` returns for an index: `{ v, key, name, ...options }`. */
export interface IndexSpec extends Document {
  v: number;
  key: Document;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
}

/** Index spec fields accepted by `createIndexes`; they only affect planning (ignored) or are enforced. */
const ACCEPTED_SPEC_FIELDS = new Set([
  "key",
  "name",
  "v",
  "ns",
  "background",
  "hidden",
  "unique",
  "sparse",
  "partialFilterExpression",
  "expireAfterSeconds",
]);

/** MongoDB's generated name: `{ field: 1, other: -1 }` → `field_1_other_-1`. */
function defaultIndexName(key: Document): string {
  return Object.entries(key)
    .map(([field, direction]) => `${field}_${direction}`)
    .join("_");
}

export function normalizeIndexSpec(raw: unknown): IndexSpec {
  if (!isPlainObject(raw)) throw badValue("each index specification must be an object");
  for (const field of Object.keys(raw)) {
    if (!ACCEPTED_SPEC_FIELDS.has(field)) unsupportedField(field);
  }
  const key = raw.key;
  if (!isPlainObject(key) || Object.keys(key).length === 0) {
    throw badValue("index specification 'key' must be a non-empty object");
  }
  for (const [field, direction] of Object.entries(key)) {
    const valid =
      (typeof direction === "number" && direction !== 0) || typeof direction === "string";
    if (!valid)
      throw badValue(`Values in the index key pattern must be numbers or strings: ${field}`);
  }
  const name = raw.name ?? defaultIndexName(key);
  if (typeof name !== "string" || name === "") throw badValue("index name must be a string");
  const spec: IndexSpec = { v: 2, key, name };
  if (raw.unique) spec.unique = true;
  if (raw.sparse) spec.sparse = true;
  if (raw.partialFilterExpression !== undefined) {
    if (!isPlainObject(raw.partialFilterExpression)) {
      throw badValue("partialFilterExpression must be an object");
    }
    spec.partialFilterExpression = raw.partialFilterExpression;
  }
  if (raw.expireAfterSeconds !== undefined) {
    if (typeof raw.expireAfterSeconds !== "number") {
      throw badValue("expireAfterSeconds must be a number");
    }
    spec.expireAfterSeconds = raw.expireAfterSeconds;
  }
  if (raw.hidden) spec.hidden = true;
  return spec;
}

function unsupportedField(field: string): never {
  throw unsupported(`index option '${field}'`);
}

/** Whether two specs describe the same index (same key and the same options). */
export function sameIndex(a: IndexSpec, b: IndexSpec): boolean {
  const { name: _a, ...restA } = a;
  const { name: _b, ...restB } = b;
  return valueKey(restA) === valueKey(restB);
}

export class DuplicateKeyError extends Error {
  constructor(
    readonly index: IndexSpec,
    readonly keyValue: Document,
    namespace: string,
  ) {
    super(
      `E11000 duplicate key error collection: ${namespace} index: ${index.name} dup key: ${formatValue(keyValue)}`,
    );
  }

  /** The `keyPattern`/`keyValue` fields MongoDB adds to duplicate key errors. */
  details(): Document {
    return { keyPattern: this.index.key, keyValue: this.keyValue };
  }

  toCommandError(): CommandError {
    return new CommandError(11000, "DuplicateKey", this.message, this.details());
  }
}

/** One key of a document in an index: its canonical form and the values it is made of. */
export interface IndexEntry {
  key: string;
  values: readonly unknown[];
}

/** Sorts before (LOW) or after (HIGH) every value at its place in an index key. */
export const LOW: unique symbol = Symbol("low");
export const HIGH: unique symbol = Symbol("high");

/**
 * An index key as the sorted structure holds it: the key pattern's values, then the document's
 * record id (its insertion number, so ties come in insertion order as MongoDB's record ids do).
 */
export type IndexKey = unknown[];

/** The keys strictly between `first` and `last` (both end in LOW/HIGH, so no key equals them). */
export interface IndexRange {
  first: IndexKey;
  last: IndexKey;
}

/** Whether walking `path` in `doc` goes through an array (the index is then multikey on it). */
function crossesArray(value: unknown, path: readonly string[], depth = 0): boolean {
  if (Array.isArray(value)) return true;
  // A top-level field of a document (the common case): no walk.
  if (depth === 0 && path.length === 1 && isPlainObject(value)) {
    return Array.isArray(value[path[0] as string]);
  }
  if (depth === path.length || !isPlainObject(value)) return false;
  return crossesArray(value[path[depth] as string], path, depth + 1);
}

/**
 * One index of a collection. Every index whose key pattern is ascending/descending fields can keep
 * its committed entries in a B+ tree ordered as MongoDB orders the index (BSON order of the key,
 * each field in its direction, then record id), for the planner (`index-walk.ts`). The tree is
 * built on the first read that walks it (from the collection's latest committed documents, sorted
 * once and bulk-loaded) and kept up by every commit after that: a collection only written (seeding,
 * an import) pays nothing for the trees of indexes nobody reads. Unique indexes also
 * keep maps for committed documents (key → owning document's key) and for uncommitted writes
 * (key → writer and document), so that uniqueness holds across concurrent transactions. TTL expiry
 * is not enforced.
 */
export class Index {
  private readonly paths: string[][];
  private readonly partial: Matcher | undefined;
  /** Entry key → key of the committed document holding it. */
  readonly committed = new Map<string, string>();
  /** Entry key → the uncommitted write holding it. */
  readonly pending = new Map<string, { writer: Writer; key: string }>();
  /** 1 or -1 per key field; undefined when a field is not ascending/descending (text, hashed, …). */
  readonly directions: readonly number[] | undefined;
  readonly fields: readonly string[];
  /** The key pattern is ascending/descending fields: the index can be walked in order. */
  readonly walkable: boolean;
  /** Committed entries in index order, once a walk has asked for them. */
  private built: Tree<IndexKey, string> | undefined;
  /**
   * Unique indexes: the keys of documents being written, computed once for the unique check and
   * the pending and committed entries (a stored document never changes); forgotten once the
   * document is committed (`addCommitted`) or its write failed or was discarded (`release`).
   */
  private readonly writing = new Map<Document, UniqueKeys>();
  /** Per field: some document (committed or not) reached an array there. Never reset, as in MongoDB. */
  readonly multikey: boolean[];
  /**
   * Per field: some key value is itself a non-empty array (arrays in arrays), which queries match
   * element by element: no bounds on it. (An empty array is one key no simple value matches.)
   */
  readonly arrayValued: boolean[];

  /** `committedDocuments`: the collection's latest committed documents, to build the tree from. */
  constructor(
    readonly spec: IndexSpec,
    private readonly committedDocuments: () => Iterable<CommittedDocument> = () => [],
  ) {
    this.fields = Object.keys(spec.key);
    this.paths = this.fields.map((field) => field.split("."));
    this.partial = spec.partialFilterExpression
      ? compileFilter(spec.partialFilterExpression)
      : undefined;
    const directions = Object.values(spec.key);
    this.directions = directions.every((d) => d === 1 || d === -1)
      ? (directions as number[])
      : undefined;
    this.walkable = this.directions !== undefined;
    this.multikey = this.fields.map(() => false);
    this.arrayValued = this.fields.map(() => false);
  }

  /** Committed entries in index order (only for walkable indexes), built on first use. */
  get tree(): Tree<IndexKey, string> | undefined {
    if (!this.walkable) return undefined;
    this.built ??= this.buildTree();
    return this.built;
  }

  private buildTree(): Tree<IndexKey, string> {
    // Each key carries its document's key past the record id while sorting (no pair per entry).
    const keys: unknown[][] = [];
    for (const [doc, docKey, recordId] of this.committedDocuments()) {
      for (const values of this.computeKeyValues(doc)) {
        values.push(recordId, docKey);
        keys.push(values);
      }
    }
    const compare = (a: IndexKey, b: IndexKey) => this.compareKeys(a, b);
    keys.sort(compare);
    const sorted: IndexKey[] = [];
    const docKeys: string[] = [];
    let previous: IndexKey | undefined;
    for (const key of keys) {
      const docKey = key.pop() as string;
      // Keys equal in BSON order but distinct as values (1 and 1.0, null and missing) are one entry.
      if (previous && compare(previous, key) === 0) continue;
      sorted.push(key);
      docKeys.push(docKey);
      previous = key;
    }
    return bulkLoad(sorted, docKeys, MAX_NODE_SIZE, compare) as Tree<IndexKey, string>;
  }

  get name(): string {
    return this.spec.name;
  }

  get enforcesUniqueness(): boolean {
    return this.spec.unique === true && this.name !== "_id_";
  }

  get isPartial(): boolean {
    return this.partial !== undefined;
  }

  get isMultikey(): boolean {
    return this.multikey.some(Boolean);
  }

  /**
   * Index order: each field's values in BSON order times its direction, then the record id. LOW and
   * HIGH (in walk bounds only) sort before and after every value whatever the direction.
   */
  compareKeys(a: IndexKey, b: IndexKey): number {
    const directions = this.directions as readonly number[];
    const n = directions.length;
    for (let i = 0; i < n; i++) {
      const x = a[i];
      const y = b[i];
      if (x === y) continue; // the same string, number, sentinel or value (shared prefixes)
      if (typeof x === "string" && typeof y === "string") {
        return x < y ? -(directions[i] as number) : (directions[i] as number);
      }
      if (x === LOW || y === HIGH) return -1;
      if (x === HIGH || y === LOW) return 1;
      const order = compareBson(x, y);
      if (order !== 0) return (directions[i] as number) * order;
    }
    const x = a[n];
    const y = b[n];
    if (x === y) return 0;
    if (x === LOW || y === HIGH) return -1;
    if (x === HIGH || y === LOW) return 1;
    return (x as number) - (y as number);
  }

  duplicate(entry: IndexEntry, namespace: string): DuplicateKeyError {
    return new DuplicateKeyError(this.spec, this.keyValue(entry.values), namespace);
  }

  /**
   * The committed document holding `value`, when the index can answer an equality on `field`
   * exactly: unique, one field, not partial (a sparse index only leaves out documents a string
   * cannot match). `null` when no document holds it; `undefined` when this index cannot tell.
   */
  ownerOf(field: string, value: string): string | null | undefined {
    if (!this.enforcesUniqueness || this.partial || this.paths.length !== 1) return undefined;
    if (Object.keys(this.spec.key)[0] !== field) return undefined;
    return this.committed.get(entryKey([value])) ?? null;
  }

  /**
   * `wasPending`: the document was added as an uncommitted write (`addPending`) first, which noted
   * its arrays already.
   */
  addCommitted(doc: Document, docKey: string, recordId: number, wasPending = false): void {
    if (this.walkable && !wasPending) this.noteArrays(doc);
    if (this.built) {
      for (const values of this.keyValues(doc)) this.built.set([...values, recordId], docKey);
    } else if (this.walkable && !this.writing.has(doc)) {
      // (Keys computed for the unique check noted arrays in arrays already.)
      this.noteNestedArrays(doc);
    }
    if (!this.enforcesUniqueness) return;
    for (const entry of this.entries(doc)) this.committed.set(entry.key, docKey);
    this.writing.delete(doc);
  }

  removeCommitted(doc: Document, docKey: string, recordId: number): void {
    if (this.built) {
      for (const values of this.keyValues(doc)) this.built.delete([...values, recordId]);
    }
    if (!this.enforcesUniqueness) return;
    for (const entry of this.uniqueKeys(doc, false).entries) {
      if (this.committed.get(entry.key) === docKey) this.committed.delete(entry.key);
    }
  }

  addPending(doc: Document, docKey: string, writer: Writer): void {
    if (this.walkable) this.noteArrays(doc);
    if (!this.enforcesUniqueness) return;
    for (const entry of this.entries(doc)) this.pending.set(entry.key, { writer, key: docKey });
  }

  removePending(doc: Document, docKey: string): void {
    if (!this.enforcesUniqueness) return;
    for (const entry of this.entries(doc)) {
      if (this.pending.get(entry.key)?.key === docKey) this.pending.delete(entry.key);
    }
  }

  /** Forgets the keys computed for `doc`, whose write failed or was discarded. */
  release(doc: Document): void {
    this.writing.delete(doc);
  }

  private noteArrays(doc: Document): void {
    const { paths, multikey } = this;
    for (let i = 0; i < paths.length; i++) {
      if (!multikey[i] && crossesArray(doc, paths[i] as string[])) multikey[i] = true;
    }
  }

  /**
   * What `keyValues` notes in `arrayValued`, without building the keys. Only fields this document
   * crosses an array on can reach an array in an array, so only fields noted `multikey` (its arrays
   * are noted first) are looked at.
   */
  private noteNestedArrays(doc: Document): void {
    const { paths, arrayValued, multikey } = this;
    let covered = this.partial === undefined;
    for (let i = 0; i < paths.length; i++) {
      if (arrayValued[i] || !multikey[i]) continue;
      if (!covered) {
        if (!this.partial?.(doc)) return;
        covered = true;
      }
      if (reachesNestedArray(doc, paths[i] as string[])) arrayValued[i] = true;
    }
  }

  private keyValue(values: readonly unknown[]): Document {
    const keyValue: Document = {};
    Object.keys(this.spec.key).forEach((field, i) => {
      const value = values[i];
      keyValue[field] = value === MISSING || value === undefined ? null : value;
    });
    return keyValue;
  }

  /**
   * The distinct keys of `doc` for uniqueness (unique indexes only; none for the others), kept
   * until the document is committed or `release`d: a write computes them once.
   */
  entries(doc: Document): readonly IndexEntry[] {
    if (!this.enforcesUniqueness) return NO_ENTRIES;
    return this.uniqueKeys(doc, true).entries;
  }

  private uniqueKeys(doc: Document, keep: boolean): UniqueKeys {
    const known = this.writing.get(doc);
    if (known) return known;
    const values = this.computeKeyValues(doc);
    const keys: UniqueKeys = { values, entries: distinctEntries(values) };
    if (keep) this.writing.set(doc, keys);
    return keys;
  }

  /**
   * The key values of `doc` in this index, one list per key (several for array fields, each
   * distinct); none if sparse/partial excludes it. Missing fields index as null, as in MongoDB.
   * The lists may be shared (see `writing`): callers must not change them.
   */
  keyValues(doc: Document): readonly (readonly unknown[])[] {
    return this.writing.get(doc)?.values ?? this.computeKeyValues(doc);
  }

  private computeKeyValues(doc: Document): unknown[][] {
    if (this.partial && !this.partial(doc)) return [];
    const perField = this.paths.map((path) => valuesAtPath(doc, path));
    if (this.spec.sparse && perField.every((values) => values.every((v) => v === MISSING))) {
      return [];
    }
    perField.forEach((values, i) => {
      const nested = values.some((value) => Array.isArray(value) && value.length > 0);
      if (!this.arrayValued[i] && nested) this.arrayValued[i] = true;
    });
    if (perField.every((values) => values.length === 1)) {
      return [perField.map((values) => (values[0] === MISSING ? null : values[0]))];
    }
    let combos: unknown[][] = [[]];
    for (const values of perField) {
      const distinct = distinctValues(values);
      if (distinct.length === 1) {
        for (const combo of combos) combo.push(distinct[0]);
        continue;
      }
      const next: unknown[][] = [];
      for (const prefix of combos) for (const value of distinct) next.push([...prefix, value]);
      combos = next;
    }
    return combos;
  }
}

const NO_ENTRIES: readonly IndexEntry[] = Object.freeze([]);

/** A unique index's keys of a document being written (see `Index.writing`). */
interface UniqueKeys {
  readonly values: readonly (readonly unknown[])[];
  readonly entries: readonly IndexEntry[];
}

/**
 * The canonical form of one key of an index (its values, one per field): a one-field index's is its
 * value's key (all keys of an index have as many values, so this tells them apart as well), which
 * for a string or ObjectId is one flat string.
 */
const entryKey = (values: readonly unknown[]): string =>
  values.length === 1 ? valueKey(values[0]) : valueKey(values);

function distinctEntries(values: readonly (readonly unknown[])[]): IndexEntry[] {
  if (values.length === 1) {
    const only = values[0] as readonly unknown[];
    return [{ key: entryKey(only), values: only }];
  }
  const unique = new Map<string, IndexEntry>();
  for (const value of values) {
    const key = entryKey(value);
    unique.set(key, { key, values: value });
  }
  return [...unique.values()];
}

/**
 * Whether `valuesAtPath(value, path)` gives a non-empty array (arrays in arrays), found without
 * building the list.
 */
function reachesNestedArray(value: unknown, path: readonly string[], depth = 0): boolean {
  if (depth === 0 && path.length === 1 && isPlainObject(value)) {
    const field = path[0] as string;
    return Object.hasOwn(value, field) && holdsNestedArray(value[field]);
  }
  if (depth === path.length) return holdsNestedArray(value);
  const part = path[depth] as string;
  if (Array.isArray(value)) {
    const index = /^\d+$/.test(part) ? Number(part) : -1;
    if (index >= 0 && index < value.length)
      return reachesNestedArray(value[index], path, depth + 1);
    return value.some((item) => isPlainObject(item) && reachesNestedArray(item, path, depth));
  }
  if (isPlainObject(value) && Object.hasOwn(value, part)) {
    return reachesNestedArray(value[part], path, depth + 1);
  }
  return false;
}

/** Whether `value` is an array holding a non-empty array. */
function holdsNestedArray(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (Array.isArray(item) && item.length > 0) return true;
  return false;
}

/** `values` without repeats (missing as null); strings, the common case, without `valueKey`. */
function distinctValues(values: readonly unknown[]): unknown[] {
  const strings = new Set<string>();
  const others = new Set<string>();
  const distinct: unknown[] = [];
  for (const value of values) {
    if (typeof value === "string") {
      if (strings.has(value)) continue;
      strings.add(value);
      distinct.push(value);
    } else {
      const key = valueKey(value);
      if (others.has(key)) continue;
      others.add(key);
      distinct.push(value === MISSING ? null : value);
    }
  }
  return distinct;
}
