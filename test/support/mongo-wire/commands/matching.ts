import type { Document } from "bson";
import type { WalkPlan } from "../index-walk.js";
import { compileFilter, findDocuments } from "../query-engine.js";
import { isPlainObject, valueKey } from "../values.js";
import type { CollectionView } from "../view.js";

/** How a read found its documents (for `explain`). */
export type ReadAccess =
  | { kind: "scan" }
  | { kind: "id"; values: number }
  | { kind: "unique"; field: string; values: number }
  | { kind: "or"; branches: ReadAccess[] }
  | { kind: "walk"; plan: WalkPlan };

/** What a read did, filled in as it runs when `explain` asks (`FindRequest.trace`). */
export interface ReadTrace {
  access: ReadAccess;
  /** Documents that passed the filter (up to where the read stopped). */
  matched: number;
  /** The matches were sorted in memory (no index gave the order asked for). */
  sortedInMemory: boolean;
}

export const newTrace = (): ReadTrace => ({
  access: { kind: "scan" },
  matched: 0,
  sortedInMemory: false,
});

const hasSort = (sort: Document | undefined) => Object.keys(sort ?? {}).length > 0;

/**
 * The `_id` keys a filter can only match, when its `_id` condition is an equality or `$in`,
 * so that lookups by `_id` do not scan the collection.
 */
function idKeysOf(condition: unknown): string[] | undefined {
  if (condition === undefined || condition instanceof RegExp) return undefined;
  if (!isPlainObject(condition)) return [valueKey(condition)];
  const operators = Object.keys(condition).filter((key) => key.startsWith("$"));
  if (operators.length === 0) return [valueKey(condition)];
  if (operators.length > 1) return undefined;
  if (operators[0] === "$eq") return idKeysOf(condition.$eq);
  const values = condition.$in;
  if (operators[0] === "$in" && Array.isArray(values)) {
    const keys: string[] = [];
    for (const value of values) {
      const inner = isPlainObject(value) ? undefined : idKeysOf(value);
      if (!inner) return undefined;
      keys.push(...inner);
    }
    return keys;
  }
  return undefined;
}

/** The strings an equality, `$eq` or `$in` of strings only can match; undefined for anything else. */
function equalStrings(condition: unknown): string[] | undefined {
  if (typeof condition === "string") return [condition];
  if (!isPlainObject(condition)) return undefined;
  const operators = Object.keys(condition);
  if (operators.length !== 1) return undefined;
  if (operators[0] === "$eq" && typeof condition.$eq === "string") return [condition.$eq];
  const values = condition.$in;
  if (operators[0] === "$in" && Array.isArray(values) && values.every((v) => typeof v === "string"))
    return values;
  return undefined;
}

/**
 * The documents an index narrows `filter` to, or undefined when it must scan: an `_id` equality or
 * `$in`; a string equality on a field with a unique index (account, customerId, …); or an `$or`
 * whose every branch is narrowed that way (MongoDB's index union). The full filter is still applied.
 */
function indexedCandidates(
  collection: CollectionView,
  filter: Document,
  trace?: ReadTrace,
): Document[] | undefined {
  const ids = idKeysOf(filter._id);
  if (ids) {
    const found: Document[] = [];
    const keys = new Set(ids);
    for (const key of keys) {
      const doc = collection.get(key);
      if (doc) found.push(doc);
    }
    if (trace) trace.access = { kind: "id", values: keys.size };
    return found;
  }
  for (const [field, condition] of Object.entries(filter)) {
    if (field.startsWith("$")) continue;
    const values = equalStrings(condition);
    const found = values && collection.lookup(field, values);
    if (found) {
      if (trace) trace.access = { kind: "unique", field, values: values.length };
      return found;
    }
  }
  const branches = filter.$or;
  if (!Array.isArray(branches) || branches.length === 0) return undefined;
  const union = new Set<Document>();
  const accesses: ReadAccess[] = [];
  for (const branch of branches) {
    const branchTrace = trace && newTrace();
    const found = isPlainObject(branch)
      ? indexedCandidates(collection, branch, branchTrace)
      : undefined;
    if (!found) return undefined;
    if (branchTrace) accesses.push(branchTrace.access);
    for (const doc of found) union.add(doc);
  }
  if (trace) trace.access = { kind: "or", branches: accesses };
  return [...union];
}

/** Documents worth testing against `filter`: what an index narrows it to, or the whole collection. */
export function candidates(
  collection: CollectionView | undefined,
  filter: Document,
  trace?: ReadTrace,
): Document[] {
  if (!collection) return [];
  return indexedCandidates(collection, filter, trace) ?? collection.all();
}

/** A read: which documents, in which order, how many. */
export interface FindRequest {
  filter: Document;
  sort?: Document | undefined;
  skip?: number | undefined;
  /** 0 or undefined: no limit. */
  limit?: number | undefined;
  /** An index name or key pattern. */
  hint?: unknown;
  /** Filled in with what the read does (`explain`). */
  trace?: ReadTrace | undefined;
}

/** What narrows `request`: a unique-key or `_id` look-up, else an index walk, else neither (a scan). */
function planOf(collection: CollectionView | undefined, request: FindRequest) {
  const { trace } = request;
  const narrowed = collection && indexedCandidates(collection, request.filter, trace);
  const plan =
    collection && !narrowed
      ? collection.planWalk(request.filter, request.sort, request.hint)
      : undefined;
  if (trace && plan) trace.access = { kind: "walk", plan };
  return { narrowed, plan };
}

/** Notes how many of `docs` match (only when tracing: the read itself leaves that to mingo). */
export function traceMatches(trace: ReadTrace | undefined, docs: Document[], request: FindRequest) {
  if (!trace) return;
  const matches = compileFilter(request.filter);
  trace.matched = docs.filter((doc) => matches(doc)).length;
  trace.sortedInMemory = hasSort(request.sort);
}

/**
 * The documents matching `filter`, sorted, after `skip`, at most `limit` (not projected): an `_id`
 * or unique-key lookup when one answers; else a walk of the index that fits (stopping after
 * `skip + limit` matches when the index gives the sort's order); else a scan of the collection.
 */
export function findMatching(
  collection: CollectionView | undefined,
  request: FindRequest,
): Document[] {
  const { filter, sort, skip = 0, limit = 0, trace } = request;
  const { narrowed, plan } = planOf(collection, request);
  if (!collection || !plan) {
    const docs = narrowed ?? collection?.all() ?? [];
    traceMatches(trace, docs, request);
    return findDocuments(docs, { filter, sort, skip, limit });
  }
  const matches = compileFilter(filter);
  if (!hasSort(sort) && !skip && !limit && request.hint === undefined) {
    // Every match, in no order asked for (nor an index hinted): the natural order, as a scan gives
    // it (MongoDB would give the index's; tests written against the scan's order keep passing). The
    // walk still bounds the read.
    const found: Document[] = [];
    for (const doc of collection.walk(plan)) if (matches(doc)) found.push(doc);
    if (trace) trace.matched = found.length;
    return collection.inNaturalOrder(found);
  }
  if (!plan.sorted) {
    const found: Document[] = [];
    for (const doc of collection.walk(plan)) if (matches(doc)) found.push(doc);
    if (trace) Object.assign(trace, { matched: found.length, sortedInMemory: true });
    return findDocuments(found, { filter, sort, skip, limit });
  }
  const found: Document[] = [];
  let skipped = 0;
  if (limit && limit <= 0) return found;
  for (const doc of collection.walk(plan)) {
    if (!matches(doc)) continue;
    if (skipped < skip) skipped++;
    else if (found.push(doc) === limit) break;
  }
  if (trace) trace.matched = skipped + found.length;
  return found;
}

/**
 * The documents `findMatching` would give for `request` with a limit (index order where an index
 * gives the order asked for), read lazily from the index so a consumer may stop early; where no
 * index gives that order, all of them, found and sorted first.
 */
export function* matchingLazily(
  collection: CollectionView | undefined,
  request: Omit<FindRequest, "skip" | "limit">,
): Generator<Document> {
  const { plan } = planOf(collection, request);
  if (!collection || !plan?.sorted) {
    yield* findMatching(collection, request);
    return;
  }
  const matches = compileFilter(request.filter);
  const { trace } = request;
  for (const doc of collection.walk(plan)) {
    if (!matches(doc)) continue;
    if (trace) trace.matched++;
    yield doc;
  }
}

/** The documents matching `filter` (in index or natural order), stopping after `limit` if given. */
export function matchingDocuments(
  collection: CollectionView | undefined,
  filter: Document,
  limit?: number,
): Document[] {
  return findMatching(collection, { filter, limit });
}
