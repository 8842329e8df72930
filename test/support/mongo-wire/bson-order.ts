/**
 * MongoDB's comparison order of BSON values, as its indexes hold them: MinKey < null (and missing)
 * < numbers < strings < objects < arrays < binary < ObjectId < booleans < dates < timestamps <
 * regular expressions < MaxKey. Numbers compare by value whatever their BSON type. Strings compare
 * by UTF-16 code units (as mingo's `$lt`/`$gt` do; MongoDB's binary order differs only between
 * characters outside the BMP and U+E000–U+FFFF).
 */
import { Binary, Decimal128, Double, Int32, Long, ObjectId, Timestamp } from "bson";
import { isPlainObject, MISSING } from "./values.js";

/** The rank of a value's type in BSON comparison order. */
export const TYPE_RANK = {
  minKey: 1,
  null: 2,
  number: 3,
  string: 4,
  object: 5,
  array: 6,
  binary: 7,
  objectId: 8,
  boolean: 9,
  date: 10,
  timestamp: 11,
  regex: 12,
  maxKey: 13,
} as const;

/**
 * Just below (`side` -1) or just above (+1) every value of one type rank: the open ends of a range
 * that MongoDB's type bracketing keeps within one type (`$gt: 5` is `(5, +∞]` over numbers only).
 */
export class TypeEdge {
  constructor(
    readonly rank: number,
    readonly side: -1 | 1,
  ) {}
}

export function typeRank(value: unknown): number {
  if (value instanceof TypeEdge) return value.rank;
  if (value === null || value === undefined || value === MISSING) return TYPE_RANK.null;
  switch (typeof value) {
    case "number":
    case "bigint":
      return TYPE_RANK.number;
    case "string":
      return TYPE_RANK.string;
    case "boolean":
      return TYPE_RANK.boolean;
  }
  if (Array.isArray(value)) return TYPE_RANK.array;
  if (value instanceof Date) return TYPE_RANK.date;
  if (value instanceof RegExp) return TYPE_RANK.regex;
  if (value instanceof ObjectId) return TYPE_RANK.objectId;
  if (
    value instanceof Long ||
    value instanceof Double ||
    value instanceof Int32 ||
    value instanceof Decimal128
  ) {
    return TYPE_RANK.number;
  }
  if (value instanceof Binary) return TYPE_RANK.binary;
  if (value instanceof Timestamp) return TYPE_RANK.timestamp;
  if (isPlainObject(value)) return TYPE_RANK.object;
  const bsonType = (value as { _bsontype?: string })._bsontype;
  if (bsonType === "MinKey") return TYPE_RANK.minKey;
  if (bsonType === "MaxKey") return TYPE_RANK.maxKey;
  if (bsonType === "BSONSymbol") return TYPE_RANK.string;
  return TYPE_RANK.object;
}

const sign = (a: number | bigint | string, b: number | bigint | string): number =>
  a < b ? -1 : a > b ? 1 : 0;

function numberOf(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Long) return value.toNumber();
  if (value instanceof Decimal128) return Number.parseFloat(value.toString());
  return Number((value as { valueOf(): unknown }).valueOf());
}

function compareSameRank(rank: number, a: unknown, b: unknown): number {
  switch (rank) {
    case TYPE_RANK.number: {
      const x = numberOf(a);
      const y = numberOf(b);
      // NaN sorts below every other number, as in MongoDB.
      if (Number.isNaN(x) || Number.isNaN(y))
        return sign(Number.isNaN(x) ? 0 : 1, Number.isNaN(y) ? 0 : 1);
      return sign(x, y);
    }
    case TYPE_RANK.string:
      return sign(String(a), String(b));
    case TYPE_RANK.boolean:
      return sign(a ? 1 : 0, b ? 1 : 0);
    case TYPE_RANK.date:
      return sign((a as Date).getTime(), (b as Date).getTime());
    case TYPE_RANK.objectId:
      return compareObjectIds(a as ObjectId, b as ObjectId);
    case TYPE_RANK.array: {
      const xs = a as unknown[];
      const ys = b as unknown[];
      for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
        const order = compareBson(xs[i], ys[i]);
        if (order !== 0) return order;
      }
      return sign(xs.length, ys.length);
    }
    case TYPE_RANK.object: {
      const xs = Object.entries(a as object);
      const ys = Object.entries(b as object);
      for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
        const [kx, vx] = xs[i] as [string, unknown];
        const [ky, vy] = ys[i] as [string, unknown];
        const order = typeRank(vx) - typeRank(vy) || sign(kx, ky) || compareBson(vx, vy);
        if (order !== 0) return Math.sign(order);
      }
      return sign(xs.length, ys.length);
    }
    case TYPE_RANK.binary: {
      const x = a as Binary;
      const y = b as Binary;
      return (
        sign(x.length(), y.length()) ||
        sign(x.sub_type, y.sub_type) ||
        Buffer.compare(Buffer.from(x.value()), Buffer.from(y.value()))
      );
    }
    case TYPE_RANK.timestamp:
      return (a as Timestamp).compare(b as Timestamp);
    case TYPE_RANK.regex: {
      const x = a as RegExp;
      const y = b as RegExp;
      return sign(x.source, y.source) || sign(x.flags, y.flags);
    }
    default:
      return 0; // null and missing are one key; MinKey and MaxKey each equal themselves
  }
}

/**
 * bson 7 keeps an ObjectId's 12 bytes as four 24-bit big-endian numbers (`id` builds a new buffer
 * on every read): compared in order, they give the bytes' order without allocating.
 */
interface ObjectIdWords {
  i0: number;
  i1: number;
  i2: number;
  i3: number;
}

function compareObjectIds(a: ObjectId, b: ObjectId): number {
  const x = a as unknown as Partial<ObjectIdWords>;
  const y = b as unknown as Partial<ObjectIdWords>;
  if (typeof x.i0 !== "number" || typeof y.i0 !== "number") return compareBytes(a.id, b.id);
  const words = x as ObjectIdWords;
  const others = y as ObjectIdWords;
  return (
    sign(words.i0, others.i0) ||
    sign(words.i1, others.i1) ||
    sign(words.i2, others.i2) ||
    sign(words.i3, others.i3)
  );
}

/** Byte order of two ObjectIds' 12 bytes (a loop here is cheaper than Buffer.compare's native call). */
function compareBytes(x: Uint8Array, y: Uint8Array): number {
  for (let i = 0; i < 12; i++) {
    const order = (x[i] as number) - (y[i] as number);
    if (order !== 0) return order < 0 ? -1 : 1;
  }
  return 0;
}

/** Negative, zero or positive as `a` sorts before, with or after `b` in BSON order. */
export function compareBson(a: unknown, b: unknown): number {
  // The common cases first: index keys compare millions of times while a collection is seeded.
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "number" && typeof b === "number" && !Number.isNaN(a) && !Number.isNaN(b)) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (a instanceof Date && b instanceof Date) return sign(a.getTime(), b.getTime());
  if (a instanceof ObjectId && b instanceof ObjectId) return compareObjectIds(a, b);
  const rankA = typeRank(a);
  const rankB = typeRank(b);
  if (rankA !== rankB) return rankA < rankB ? -1 : 1;
  const edgeA = a instanceof TypeEdge ? a.side : 0;
  const edgeB = b instanceof TypeEdge ? b.side : 0;
  if (edgeA !== 0 || edgeB !== 0) return sign(edgeA, edgeB);
  return compareSameRank(rankA, a, b);
}
