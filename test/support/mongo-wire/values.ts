import { Binary, type Document, Long, ObjectId } from "bson";

/** Marks a path that does not exist in a document (distinct from an explicit null). */
export const MISSING: unique symbol = Symbol("missing");

export function isPlainObject(value: unknown): value is Document {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Deep copy of plain objects and arrays; BSON values (ObjectId, Long, …) are immutable and shared. */
export function cloneValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneValue) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (isPlainObject(value)) {
    const copy: Document = {};
    for (const [key, inner] of Object.entries(value)) copy[key] = cloneValue(inner);
    return copy as T;
  }
  return value;
}

/**
 * A string that is equal for two values exactly when MongoDB considers them equal
 * (numbers compare by value whatever their BSON type; documents are field-order sensitive).
 * Used for `_id` lookup and unique index keys, so kept for as long as a document is: the keys of
 * strings (their JSON, the only keys starting with `"`) and ObjectIds (their 24 hex digits, the only
 * keys without a `:`, bracket or brace besides `null`) are flat strings made in one go (a string
 * built piece by piece is a tree of pieces, several times the size).
 */
export function valueKey(value: unknown): string {
  if (value === null || value === undefined || value === MISSING) return "null";
  switch (typeof value) {
    case "number":
      return `n:${value === 0 ? 0 : value}`;
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "b:1" : "b:0";
    case "bigint":
      return `n:${value}`;
  }
  if (Array.isArray(value)) {
    // One value (a one-field index key, the common case) without the list's map and join.
    return value.length === 1 ? `[${valueKey(value[0])}]` : `[${value.map(valueKey).join(",")}]`;
  }
  if (value instanceof Date) return `D:${value.getTime()}`;
  if (value instanceof RegExp) return `r:/${value.source}/${value.flags}`;
  if (value instanceof ObjectId) return objectIdKey(value);
  if (value instanceof Long) {
    return value.lessThanOrEqual(Number.MAX_SAFE_INTEGER) &&
      value.greaterThanOrEqual(Number.MIN_SAFE_INTEGER)
      ? `n:${value.toNumber()}`
      : `n:${value.toString()}`;
  }
  if (value instanceof Binary) {
    return `B:${value.sub_type}:${Buffer.from(value.value()).toString("base64")}`;
  }
  if (isPlainObject(value)) {
    const fields = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${valueKey(v)}`);
    return `{${fields.join(",")}}`;
  }
  const bsonType = (value as { _bsontype?: string })._bsontype ?? "unknown";
  return `${bsonType}:${String(value)}`;
}

/** An ObjectId's 24 hex digits, decoded from its bytes as one flat string. */
function objectIdKey(id: ObjectId): string {
  const bytes = id.id;
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes)).toString("hex");
}

/** Renders a value the way MongoDB prints it in error messages (`{ account: "x" }`). */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === MISSING) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[ ${value.map(formatValue).join(", ")} ]`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (value instanceof ObjectId) return `ObjectId('${value.toHexString()}')`;
  if (isPlainObject(value)) {
    const fields = Object.entries(value).map(([k, v]) => `${k}: ${formatValue(v)}`);
    return fields.length ? `{ ${fields.join(", ")} }` : "{}";
  }
  return String(value);
}

/**
 * Every value a dotted path reaches, descending through arrays like MongoDB's index keys and
 * `distinct` do: `a.b` over `{ a: [{ b: 1 }, { b: 2 }] }` gives 1 and 2, and a leaf array gives
 * its elements. A path that reaches nothing gives MISSING.
 */
export function valuesAtPath(value: unknown, path: readonly string[], depth = 0): unknown[] {
  if (depth === path.length) {
    if (!Array.isArray(value)) return [value];
    return value.length ? value : [[]];
  }
  const part = path[depth] as string;
  if (Array.isArray(value)) {
    const index = /^\d+$/.test(part) ? Number(part) : -1;
    if (index >= 0 && index < value.length) return valuesAtPath(value[index], path, depth + 1);
    const found = value.flatMap((item) =>
      isPlainObject(item) ? valuesAtPath(item, path, depth) : [],
    );
    return found.length ? found : [MISSING];
  }
  if (isPlainObject(value) && Object.hasOwn(value, part)) {
    return valuesAtPath(value[part], path, depth + 1);
  }
  return [MISSING];
}

/** Sets a dotted path, creating intermediate documents. */
export function setPath(target: Document, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(node[part])) node[part] = {};
    node = node[part] as Document;
  }
  node[parts[parts.length - 1] as string] = value;
}
