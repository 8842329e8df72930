import type { Document } from "bson";
import { badValue, CommandError, unsupported } from "./errors.js";
import { compileFilter, type Matcher } from "./query-engine.js";
import { formatValue, isPlainObject, MISSING, valueKey, valuesAtPath } from "./values.js";
import type { Writer } from "./writer.js";

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
  values: unknown[];
}

/**
 * One index of a collection. Only unique indexes keep entries: for committed documents
 * (key → owning document's key) and for uncommitted writes (key → writer and document), so that
 * uniqueness holds across concurrent transactions. TTL expiry is not enforced.
 */
export class Index {
  private readonly paths: string[][];
  private readonly partial: Matcher | undefined;
  /** Entry key → key of the committed document holding it. */
  readonly committed = new Map<string, string>();
  /** Entry key → the uncommitted write holding it. */
  readonly pending = new Map<string, { writer: Writer; key: string }>();

  constructor(readonly spec: IndexSpec) {
    this.paths = Object.keys(spec.key).map((field) => field.split("."));
    this.partial = spec.partialFilterExpression
      ? compileFilter(spec.partialFilterExpression)
      : undefined;
  }

  get name(): string {
    return this.spec.name;
  }

  get enforcesUniqueness(): boolean {
    return this.spec.unique === true && this.name !== "_id_";
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
    return this.committed.get(valueKey([value])) ?? null;
  }

  addCommitted(doc: Document, docKey: string): void {
    if (!this.enforcesUniqueness) return;
    for (const entry of this.entries(doc)) this.committed.set(entry.key, docKey);
  }

  removeCommitted(doc: Document, docKey: string): void {
    if (!this.enforcesUniqueness) return;
    for (const entry of this.entries(doc)) {
      if (this.committed.get(entry.key) === docKey) this.committed.delete(entry.key);
    }
  }

  addPending(doc: Document, docKey: string, writer: Writer): void {
    if (!this.enforcesUniqueness) return;
    for (const entry of this.entries(doc)) this.pending.set(entry.key, { writer, key: docKey });
  }

  removePending(doc: Document, docKey: string): void {
    if (!this.enforcesUniqueness) return;
    for (const entry of this.entries(doc)) {
      if (this.pending.get(entry.key)?.key === docKey) this.pending.delete(entry.key);
    }
  }

  private keyValue(values: unknown[]): Document {
    const keyValue: Document = {};
    Object.keys(this.spec.key).forEach((field, i) => {
      const value = values[i];
      keyValue[field] = value === MISSING || value === undefined ? null : value;
    });
    return keyValue;
  }

  /** The distinct keys of `doc` (several for array fields); none if sparse/partial excludes it. */
  entries(doc: Document): IndexEntry[] {
    if (!this.enforcesUniqueness) return [];
    if (this.partial && !this.partial(doc)) return [];
    const perField = this.paths.map((path) => valuesAtPath(doc, path));
    if (this.spec.sparse && perField.every((values) => values.every((v) => v === MISSING))) {
      return [];
    }
    let combos: unknown[][] = [[]];
    for (const values of perField) {
      combos = combos.flatMap((prefix) => values.map((value) => [...prefix, value]));
    }
    const unique = new Map<string, IndexEntry>();
    for (const values of combos) {
      const key = valueKey(values);
      unique.set(key, { key, values });
    }
    return [...unique.values()];
  }
}
