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
      return JSON.stringify(value);
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
    return JSON.stringify(value.toISOString());
  }
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? "null" : canonical(item))).join(",")}]`;
  if (isObjectId(value)) return JSON.stringify(value.toHexString());
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null)
    throw new TypeError(`cannot encode a ${describeType(value)}`);
  const entries = Object.entries(value)
    .filter(([, field]) => field !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonical(field)}`).join(",")}}`;
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
