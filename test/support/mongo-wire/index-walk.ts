/**
 * A small query planner: which index a filter and sort can walk, and which ranges of it, the way
 * MongoDB's planner bounds an index scan. An index fits when its key pattern is the filter's
 * equality fields (values, `$eq`, `$in`) as a prefix, then a range on the next field (`$gt`/`$gte`/
 * `$lt`/`$lte`, an anchored `$regex: "^abc"`), and/or the sort's fields (all in the index's
 * directions, or all reversed). The keyset shape `f ≤ t, $or: [{f < t}, {_id < id}]` starts the
 * walk right after `(t, id)`. The walk returns a superset of the matches: the caller applies the
 * whole filter to every document it reads.
 */
import { type Document, ObjectId } from "bson";
import { compareBson, TypeEdge, typeRank } from "./bson-order.js";
import { HIGH, type Index, type IndexKey, type IndexRange, LOW } from "./indexes.js";
import { isPlainObject } from "./values.js";

/** At most this many ranges (the product of the prefix's `$in` sizes); beyond, a hull range. */
const MAX_RANGES = 200;

/** One end of a range of values (in value order, not index order). */
interface End {
  value: unknown;
  inclusive: boolean;
}

type Range = { lo: End; hi: End };
type Bound = { points: unknown[] } | Range;

export interface WalkPlan {
  index: Index;
  ranges: IndexRange[];
  /** Walk the index backwards. */
  reverse: boolean;
  /** The walk's order is the requested sort (or no sort was requested). */
  sorted: boolean;
}

const isPoints = (bound: Bound | undefined): bound is { points: unknown[] } =>
  bound !== undefined && "points" in bound;

/** Values whose index keys are exactly the values a query's equality or range matches. */
function isSimple(value: unknown): boolean {
  if (typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return !Number.isNaN(value);
  if (value instanceof Date) return !Number.isNaN(value.getTime());
  return value instanceof ObjectId;
}

/** Every value of `value`'s type (MongoDB's type bracketing: `$gt: 5` matches numbers only). */
function typeRange(value: unknown): Range {
  const rank = typeRank(value);
  return {
    lo: { value: new TypeEdge(rank, -1), inclusive: false },
    hi: { value: new TypeEdge(rank, 1), inclusive: false },
  };
}

function distinctSorted(values: unknown[]): unknown[] {
  const sorted = [...values].sort(compareBson);
  return sorted.filter((value, i) => i === 0 || compareBson(sorted[i - 1], value) !== 0);
}

/** Characters that end a regex's literal prefix. */
const REGEX_SYNTAX = new Set([..."\\.*+?^$(){}|[]"]);

/** The strings an anchored, case-sensitive pattern can match: `[prefix, prefix's successor)`. */
function prefixRange(pattern: unknown, options: unknown): Range | undefined {
  if (options !== undefined && options !== "") return undefined;
  let source: string;
  if (pattern instanceof RegExp) {
    if (pattern.flags !== "") return undefined;
    source = pattern.source;
  } else if (typeof pattern === "string") {
    source = pattern;
  } else {
    return undefined;
  }
  if (!source.startsWith("^")) return undefined;
  let prefix = "";
  let i = 1;
  while (i < source.length) {
    const char = source[i] as string;
    if (char === "\\") {
      const escaped = source[i + 1];
      if (escaped === undefined || /[a-zA-Z0-9]/.test(escaped)) break;
      prefix += escaped;
      i += 2;
    } else if (REGEX_SYNTAX.has(char)) {
      break;
    } else {
      prefix += char;
      i++;
    }
  }
  const rest = source.slice(i);
  if (rest.includes("|")) return undefined; // an alternative need not start with the prefix
  if (/^[?*{]/.test(rest)) prefix = prefix.slice(0, -1); // the last character is optional
  const strings = typeRange("");
  const last = prefix.charCodeAt(prefix.length - 1);
  const hi: End =
    prefix === "" || last === 0xffff
      ? strings.hi
      : { value: prefix.slice(0, -1) + String.fromCharCode(last + 1), inclusive: false };
  return { lo: { value: prefix, inclusive: true }, hi };
}

/**
 * An equality's one key: its value, or for null the key null and missing share (so `null` matches
 * both, as in MongoDB; not on a sparse index, which lacks the documents missing the field).
 */
function equalityBound(value: unknown): Bound | undefined {
  return isSimple(value) || value === null ? { points: [value] } : undefined;
}

function operatorBound(operator: string, operand: unknown, options: unknown): Bound | undefined {
  switch (operator) {
    case "$eq":
      return equalityBound(operand);
    case "$in":
      return Array.isArray(operand) && operand.every(isSimple)
        ? { points: distinctSorted(operand) }
        : undefined;
    case "$gt":
    case "$gte":
    case "$lt":
    case "$lte": {
      if (!isSimple(operand)) return undefined;
      const whole = typeRange(operand);
      const end = { value: operand, inclusive: operator.endsWith("e") };
      return operator.startsWith("$g") ? { lo: end, hi: whole.hi } : { lo: whole.lo, hi: end };
    }
    case "$regex":
      return prefixRange(operand, options);
  }
  return undefined; // $ne, $exists, $not, …: no bound (the filter still applies)
}

function above(value: unknown, end: End): boolean {
  const order = compareBson(value, end.value);
  return order > 0 || (order === 0 && end.inclusive);
}

function below(value: unknown, end: End): boolean {
  const order = compareBson(value, end.value);
  return order < 0 || (order === 0 && end.inclusive);
}

/** The end further toward `side` (+1: higher); on equal values, `union` includes it if either does. */
function further(a: End, b: End, side: 1 | -1, union: boolean): End {
  const order = compareBson(a.value, b.value) * side;
  if (order !== 0) return order > 0 ? a : b;
  const inclusive = union ? a.inclusive || b.inclusive : a.inclusive && b.inclusive;
  return { value: a.value, inclusive };
}

function asRange(bound: Bound): Range {
  if (!isPoints(bound)) return bound;
  if (bound.points.length === 0) return { lo: typeRange(0).hi, hi: typeRange(0).lo }; // empty
  return {
    lo: { value: bound.points[0], inclusive: true },
    hi: { value: bound.points.at(-1), inclusive: true },
  };
}

/** Both bounds hold. */
function intersect(a: Bound, b: Bound): Bound {
  if (isPoints(a) || isPoints(b)) {
    const [points, other] = isPoints(a) ? [a.points, b] : [(b as { points: unknown[] }).points, a];
    if (isPoints(other)) {
      return { points: points.filter((p) => other.points.some((q) => compareBson(p, q) === 0)) };
    }
    return { points: points.filter((p) => above(p, other.lo) && below(p, other.hi)) };
  }
  return { lo: further(a.lo, b.lo, 1, false), hi: further(a.hi, b.hi, -1, false) };
}

/** Either bound holds: a range covering both. */
function hull(a: Bound, b: Bound): Bound {
  if (isPoints(a) && isPoints(b)) return { points: distinctSorted([...a.points, ...b.points]) };
  const x = asRange(a);
  const y = asRange(b);
  return { lo: further(x.lo, y.lo, -1, true), hi: further(x.hi, y.hi, 1, true) };
}

/** The parts of a filter that all hold: field conditions (with `$and` flattened) and `$or`s. */
interface Conjunction {
  fields: Map<string, unknown[]>;
  ors: unknown[][];
}

function conjunction(filter: Document, into: Conjunction = { fields: new Map(), ors: [] }) {
  for (const [key, value] of Object.entries(filter)) {
    if (key === "$and" && Array.isArray(value)) {
      for (const part of value) if (isPlainObject(part)) conjunction(part, into);
    } else if (key === "$or" && Array.isArray(value) && value.length > 0) {
      into.ors.push(value);
    } else if (!key.startsWith("$")) {
      into.fields.set(key, [...(into.fields.get(key) ?? []), value]);
    }
  }
  return into;
}

/**
 * The bound one condition puts on a field. On a multikey field each operator may be met by a
 * different element, so only one operator's bound is used there (as MongoDB does).
 */
function conditionBound(condition: unknown, multikey: boolean): Bound | undefined {
  if (condition instanceof RegExp) return prefixRange(condition, undefined);
  if (!isPlainObject(condition)) return equalityBound(condition);
  const operators = Object.keys(condition);
  if (operators.length === 0 || operators.some((key) => !key.startsWith("$"))) return undefined;
  let bound: Bound | undefined;
  for (const operator of operators) {
    const next = operatorBound(operator, condition[operator], condition.$options);
    if (!next) continue;
    if (multikey) return next;
    bound = bound ? intersect(bound, next) : next;
  }
  return bound;
}

function fieldBound(conj: Conjunction, field: string, multikey: boolean): Bound | undefined {
  let bound: Bound | undefined;
  for (const condition of conj.fields.get(field) ?? []) {
    const next = conditionBound(condition, multikey);
    if (!next) continue;
    if (multikey) return next;
    bound = bound ? intersect(bound, next) : next;
  }
  for (const branches of conj.ors) {
    let union: Bound | undefined;
    for (const branch of branches) {
      const next = isPlainObject(branch)
        ? fieldBound(conjunction(branch), field, multikey)
        : undefined;
      if (!next) {
        union = undefined;
        break;
      }
      union = union ? hull(union, next) : next;
    }
    if (!union) continue;
    if (multikey) return union;
    bound = bound ? intersect(bound, union) : union;
  }
  return bound;
}

/**
 * The keyset page's tie-break, `$or: [{ field: { $lt: t } }, { [field: t,] next: { $lt: id } }]`
 * (or `$gt`): past `(t, id)` in `(field, next)` order. Which side of `field`'s range it refines.
 */
function keysetTie(
  conj: Conjunction,
  field: string,
  next: string,
): { t: unknown; side: "lo" | "hi"; end: End } | undefined {
  for (const branches of conj.ors) {
    const [a, b] = branches;
    if (branches.length !== 2 || !isPlainObject(a) || !isPlainObject(b)) continue;
    const strict = a[field];
    if (Object.keys(a).length !== 1 || !isPlainObject(strict)) continue;
    const [operator, ...more] = Object.keys(strict);
    const t = strict[operator ?? ""];
    if (more.length || (operator !== "$lt" && operator !== "$gt") || !isSimple(t)) continue;
    if (Object.keys(b).some((key) => key !== field && key !== next)) continue;
    if (field in b) {
      const tie = conditionBound(b[field], false);
      if (!isPoints(tie) || tie.points.length !== 1 || compareBson(tie.points[0], t) !== 0)
        continue;
    }
    const after = b[next];
    if (!isPlainObject(after) || Object.keys(after).length !== 1) continue;
    const [idOperator = ""] = Object.keys(after);
    const allowed = operator === "$lt" ? ["$lt", "$lte"] : ["$gt", "$gte"];
    if (!allowed.includes(idOperator) || !isSimple(after[idOperator])) continue;
    return {
      t,
      side: operator === "$lt" ? "hi" : "lo",
      end: { value: after[idOperator], inclusive: idOperator.endsWith("e") },
    };
  }
  return undefined;
}

/** Every value `inner` holds, `outer` holds. */
function within(inner: Bound, outer: Bound): boolean {
  if (isPoints(inner)) {
    return inner.points.every((point) =>
      isPoints(outer)
        ? outer.points.some((other) => compareBson(point, other) === 0)
        : above(point, outer.lo) && below(point, outer.hi),
    );
  }
  if (isPoints(outer)) return false;
  const lo = compareBson(inner.lo.value, outer.lo.value);
  const hi = compareBson(inner.hi.value, outer.hi.value);
  return (
    (lo > 0 || (lo === 0 && (outer.lo.inclusive || !inner.lo.inclusive))) &&
    (hi < 0 || (hi === 0 && (outer.hi.inclusive || !inner.hi.inclusive)))
  );
}

/**
 * Whether every document `conj` matches is in a partial index of `partial`: each of its conditions
 * (one value or one operator per field) holds whenever one condition of the query on that field
 * does (`seq: { $gt: 0, $lte: n }` is in `{ seq: { $gt: 0 } }`), as MongoDB's planner requires.
 * One condition, not their intersection: on an array each may be met by a different element.
 */
function impliesPartial(conj: Conjunction, partial: Document): boolean {
  return Object.entries(partial).every(([field, condition]) => {
    if (field.startsWith("$")) return false;
    if (isPlainObject(condition) && Object.keys(condition).length !== 1) return false;
    const needed = conditionBound(condition, true);
    if (!needed) return false;
    return (conj.fields.get(field) ?? []).some((given) => {
      if (!isPlainObject(given)) return within({ points: [given] }, needed);
      return Object.keys(given).some((operator) => {
        const bound = operatorBound(operator, given[operator], given.$options);
        return bound !== undefined && within(bound, needed);
      });
    });
  });
}

/** Appends `end` as the first (`isFirst`) or last key's value, then pads with LOW/HIGH. */
function endKey(prefix: IndexKey, ends: End[], isFirst: boolean, length: number): IndexKey {
  const key = [...prefix];
  let pad: typeof LOW | typeof HIGH = isFirst ? LOW : HIGH;
  for (const end of ends) {
    key.push(end.value);
    pad = end.inclusive === isFirst ? LOW : HIGH;
  }
  while (key.length < length) key.push(pad);
  return key;
}

/** How the index can serve `filter` and `sort`, or undefined if it does not fit. */
function planFor(
  index: Index,
  conj: Conjunction,
  sort: [string, number][],
  hinted: boolean,
): (WalkPlan & { score: number }) | undefined {
  const { fields } = index;
  const directions = index.directions;
  if (!directions || (index.spec.hidden && !hinted)) return undefined;
  const partial = index.spec.partialFilterExpression;
  if (partial && !impliesPartial(conj, partial)) return undefined;
  // Positional paths (`a.0`) index differently from how queries read them: leave them to the scan.
  if (fields.some((field) => /(^|\.)\d+(\.|$)/.test(field))) return undefined;
  const bounds = fields.map((field, i) => {
    const bound = index.arrayValued[i]
      ? undefined
      : fieldBound(conj, field, index.multikey[i] === true);
    const onMissing = index.spec.sparse && isPoints(bound) && bound.points.includes(null);
    return onMissing ? undefined : bound;
  });
  let prefix = 0;
  let combinations = 1;
  while (prefix < fields.length) {
    const bound = bounds[prefix];
    if (!isPoints(bound)) break;
    if (combinations * bound.points.length > MAX_RANGES) {
      bounds[prefix] = asRange(bound);
      break;
    }
    combinations *= Math.max(bound.points.length, 1);
    prefix++;
  }
  const range = prefix < fields.length ? bounds[prefix] : undefined;
  const rangeBound = range && !isPoints(range) ? range : undefined;

  // Fields with one value (and not multikey past the prefix) do not change the order.
  const pinned = (i: number) => {
    const bound = bounds[i];
    return isPoints(bound) && bound.points.length === 1 && (i < prefix || !index.multikey[i]);
  };
  const remaining = fields.map((_, i) => i).filter((i) => !pinned(i));
  const wanted = sort.filter(([field]) => {
    const i = fields.indexOf(field);
    return i < 0 || !pinned(i);
  });
  let sorted = wanted.length === 0;
  let reverse = false;
  if (!sorted && wanted.length <= remaining.length) {
    const at = (k: number) => remaining[k] as number;
    const inOrder = wanted.every(([field], k) => fields[at(k)] === field && !index.multikey[at(k)]);
    const same = wanted.every(([, direction], k) => direction === directions[at(k)]);
    const opposite = wanted.every(([, direction], k) => direction === -(directions[at(k)] ?? 0));
    if (inOrder && (same || opposite)) {
      sorted = true;
      reverse = !same;
    }
  }
  const bounded = prefix > 0 || rangeBound !== undefined;
  if (!bounded && !(sorted && sort.length > 0) && !hinted) return undefined;
  if (index.spec.sparse && !bounded) return undefined; // it lacks the documents missing its fields

  let combos: IndexKey[] = [[]];
  for (let i = 0; i < prefix; i++) {
    const points = (bounds[i] as { points: unknown[] }).points;
    const ordered = directions[i] === 1 ? points : [...points].reverse();
    combos = combos.flatMap((combo) => ordered.map((point) => [...combo, point]));
  }
  const length = fields.length + 1; // the record id comes last
  let firstEnds: End[] = [];
  let lastEnds: End[] = [];
  if (rangeBound) {
    const ascending = directions[prefix] === 1;
    firstEnds = [ascending ? rangeBound.lo : rangeBound.hi];
    lastEnds = [ascending ? rangeBound.hi : rangeBound.lo];
    const next = fields[prefix + 1];
    const tie =
      next !== undefined &&
      directions[prefix + 1] === directions[prefix] &&
      !index.multikey[prefix] &&
      !index.multikey[prefix + 1]
        ? keysetTie(conj, fields[prefix] as string, next)
        : undefined;
    const end = tie && rangeBound[tie.side];
    if (tie && end?.inclusive && compareBson(end.value, tie.t) === 0) {
      const onFirst = (tie.side === "lo") === ascending;
      (onFirst ? firstEnds : lastEnds).push(tie.end);
    }
  }
  const ranges = combos.map((combo) => ({
    first: endKey(combo, firstEnds, true, length),
    last: endKey(combo, lastEnds, false, length),
  }));
  const score = prefix * 4 + (rangeBound ? 2 : 0) + (sorted && sort.length > 0 ? 1 : 0);
  return { index, ranges, reverse, sorted, score };
}

/** The sort's fields and directions, or undefined when it is not a plain field sort. */
function sortFields(sort: Document | undefined): [string, number][] | undefined {
  const entries = Object.entries(sort ?? {});
  if (entries.some(([field, direction]) => field.startsWith("$") || Math.abs(direction) !== 1)) {
    return undefined;
  }
  return entries as [string, number][];
}

/**
 * The index walk for `filter` and `sort`: through `hinted` when given (an index that cannot be
 * walked leaves the scan), else the index with the most equality fields, then a range, then the
 * sort. Undefined: scan the collection.
 */
export function planWalk(
  indexes: readonly Index[],
  filter: Document,
  sort: Document | undefined,
  hinted: Index | undefined,
): WalkPlan | undefined {
  const fields = sortFields(sort);
  if (!fields) return undefined;
  const conj = conjunction(filter);
  if (hinted) return planFor(hinted, conj, fields, true);
  let best: (WalkPlan & { score: number }) | undefined;
  for (const index of indexes) {
    const plan = planFor(index, conj, fields, false);
    if (plan && (!best || plan.score > best.score)) best = plan;
  }
  return best;
}
