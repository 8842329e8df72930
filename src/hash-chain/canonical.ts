/**
 * The canonical encoding a chain hash is taken over (README “The ledger's hash chain”): JSON with
 * every object's keys sorted (UTF-16 code unit order, as JavaScript sorts), no whitespace, strings as
 * JSON strings exactly as stored, numbers as JSON numbers (the app stores integers: plain decimal),
 * dates as ISO-8601 UTC strings with milliseconds, ObjectIds as their 24-hex string, null as null;
 * fields whose value is undefined are omitted (the driver does not store them), and undefined in
 * an array is null (as the driver stores it). Any other value (Decimal128, Long, binary, NaN…)
 * cannot be encoded and throws: nothing the app writes holds one.
 */
export function canonical(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "string":
      return quoted(value);
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`cannot encode the number ${value}`);
      return JSON.stringify(value);
    case "object":
      return canonicalObject(value);
    default:
      throw new TypeError(`cannot encode a ${typeof value}`);
  }
}

function canonicalObject(value: object): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError("cannot encode an invalid date");
    // An ISO-8601 string holds nothing JSON escapes: quoted as it is.
    return `"${value.toISOString()}"`;
  }
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i += 1) {
      const item: unknown = value[i];
      out += `${i > 0 ? "," : ""}${item === undefined ? "null" : canonical(item)}`;
    }
    return `${out}]`;
  }
  if (isObjectId(value)) return `"${value.toHexString()}"`;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null)
    throw new TypeError(`cannot encode a ${describeType(value)}`);
  return canonicalFields(value as Record<string, unknown>, Object.keys(value));
}

/**
 * `{"key":value,…}` of `fields` of `object` in sorted order, leaving out undefined values (the one
 * loop behind every object's encoding and the chain hash's, which names its fields itself).
 */
export function canonicalFields(
  object: Readonly<Record<string, unknown>>,
  fields: string[],
): string {
  // Default sort: UTF-16 code unit order, the order the encoding promises.
  fields.sort();
  let out = "{";
  let first = true;
  for (const key of fields) {
    const field = object[key];
    if (field === undefined) continue;
    out += `${first ? "" : ","}${quotedKey(key)}:${canonical(field)}`;
    first = false;
  }
  return `${out}}`;
}

/** What JSON.stringify escapes in a string: quote, backslash, controls and (lone) surrogates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes
const escaped = /["\\\u0000-\u001F\uD800-\uDFFF]/;

/** `text` as a JSON string, exactly as JSON.stringify writes it (most need no escape: quoted as they are). */
function quoted(text: string): string {
  return escaped.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** Field names repeat from document to document: each is quoted once (a bounded cache). */
const quotedKeys = new Map<string, string>();
const maxQuotedKeys = 10_000;

function quotedKey(key: string): string {
  let known = quotedKeys.get(key);
  if (known === undefined) {
    known = quoted(key);
    if (quotedKeys.size < maxQuotedKeys) quotedKeys.set(key, known);
  }
  return known;
}

/** The driver's ObjectId, recognised by its BSON type tag (no driver import outside repositories). */
function isObjectId(value: object): value is { toHexString(): string } {
  return (
    (value as { _bsontype?: unknown })._bsontype === "ObjectId" &&
    typeof (value as { toHexString?: unknown }).toHexString === "function"
  );
}

function describeType(value: object): string {
  const tag = (value as { _bsontype?: unknown })._bsontype;
  return typeof tag === "string" ? tag : (value.constructor?.name ?? "object");
}
