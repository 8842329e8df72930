import type { Document } from "bson";
import { compileFilter } from "../query-engine.js";
import type { Collection } from "../store.js";
import { isPlainObject, valueKey } from "../values.js";

/**
 * The `_id` keys a filter can only match, when its `_id` condition is an equality or `$in`,
 * so that lookups by `_id` do not scan the collection. The full filter is still applied.
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

/** Documents worth testing against `filter`: the `_id` hits, or the whole collection. */
export function candidates(collection: Collection | undefined, filter: Document): Document[] {
  if (!collection) return [];
  const keys = idKeysOf(filter._id);
  if (!keys) return collection.all();
  const found: Document[] = [];
  for (const key of new Set(keys)) {
    const doc = collection.get(key);
    if (doc) found.push(doc);
  }
  return found;
}

/** The documents matching `filter` in natural order, stopping after `limit` if given. */
export function matchingDocuments(
  collection: Collection | undefined,
  filter: Document,
  limit?: number,
): Document[] {
  const matches = compileFilter(filter);
  const found: Document[] = [];
  for (const doc of candidates(collection, filter)) {
    if (limit !== undefined && found.length >= limit) break;
    if (matches(doc)) found.push(doc);
  }
  return found;
}
