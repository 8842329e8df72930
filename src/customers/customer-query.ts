import type { Document } from "mongodb";
import { beyond } from "../db/keyset-page.js";
import type { CustomerStatus, TeamType } from "./customer.js";
import { searchWordsOf } from "./search-keys.js";

/** A list/search request: free text plus exact filters. */
export interface CustomerQuery {
  text?: string;
  teamType?: TeamType;
  status?: CustomerStatus;
  tag?: string;
}

/** Where a listed customer stands in the list's order (newest first): its `createdAt` and `_id`. */
export interface ListPosition<Id = string> {
  createdAt: Date;
  id: Id;
}

/** A page next to a position: `after` it (older, Next) or `before` it (newer, Previous). */
export interface ListCursor<Id = string> {
  direction: "after" | "before";
  position: ListPosition<Id>;
}

/** Where a page read starts: next to a cursor's position, or at the newest or the oldest customer. */
export type ListStart<Id = string> = ListCursor<Id> | "newest" | "oldest";

/**
 * A text search considers at most this many customers: the first in the search index's order of
 * its longest word's prefix (by matching key, then newest first), so it reads a bounded number of
 * index keys however broad the word.
 */
export const searchCandidateLimit = 2000;
/** Counts are exact up to this; beyond it the count says “1,000+”. */
export const exactCountLimit = 1000;

/** The indexes the list's queries are bounded by (created in src/db/indexes.ts). */
export const customerIndexNames = {
  search: "search_keys",
  newestFirst: "newest_first",
  teamType: "by_team_type",
  status: "by_status",
  tag: "by_tag",
} as const;

const newestFirst = { createdAt: -1, _id: -1 } as const;
const oldestFirst = { createdAt: 1, _id: 1 } as const;

/** Escapes every regex metacharacter so user text is matched literally. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/** Keys starting with `word`: an anchored, case-sensitive pattern, so an index bounds it. */
function keyPrefix(word: string): Document {
  return { searchKeys: { $regex: `^${escapeRegex(word)}` } };
}

/** The exact filters as `$eq` on plain strings: no user input can act as an operator. */
export function exactFilter(query: CustomerQuery): Document {
  const filter: Document = {};
  if (query.teamType) filter.teamType = { $eq: query.teamType };
  if (query.status) filter.status = { $eq: query.status };
  if (query.tag) filter.tag = { $eq: query.tag };
  return filter;
}

/** The customers past `cursor`'s position in its direction: a range on `createdAt`, ties by `_id`. */
export function positionFilter<Id>(cursor: ListCursor<Id>): Document {
  const { createdAt, id } = cursor.position;
  return beyond(
    "createdAt",
    createdAt,
    id,
    cursor.direction === "after" ? "older" : "newer",
    false,
  );
}

/** The index that bounds a list without text: the most selective exact filter's, or newest first. */
function exactIndex(query: CustomerQuery): string {
  if (query.tag) return customerIndexNames.tag;
  if (query.status) return customerIndexNames.status;
  if (query.teamType) return customerIndexNames.teamType;
  return customerIndexNames.newestFirst;
}

export interface QueryPlan {
  pipeline: Document[];
  hint: string;
}

/**
 * The text's words, longest first: the longest is the search's index range (the most selective
 * prefix), the others are checked on the candidates. Empty for no text.
 */
function wordsOf(query: CustomerQuery): string[] {
  const text = query.text?.trim();
  if (!text) return [];
  return searchWordsOf(text).sort((a, b) => b.length - a.length);
}

/** The candidates of a text search: its longest word's prefix range, at most `limit` customers. */
function candidates(range: string, limit: number): Document[] {
  return [{ $match: keyPrefix(range) }, { $limit: limit }];
}

function and(conditions: Document[]): Document {
  const present = conditions.filter((condition) => Object.keys(condition).length > 0);
  if (present.length === 0) return {};
  return present.length === 1 ? (present[0] as Document) : { $and: present };
}

/**
 * One page of a list, `limit` customers from `start` on: after a position (older, newest first),
 * before one (newer, oldest first), or from either end. Without text: the exact filters and the position as one range of an index whose
 * order is the list's, so it reads about `limit` keys. With text: the bounded candidates, then the
 * other words, the exact filters and the position on them, sorted in memory (at most
 * `searchCandidateLimit` documents).
 */
export function listPagePlan<Id>(
  query: CustomerQuery,
  start: ListStart<Id>,
  limit: number,
): QueryPlan {
  const fromOldest =
    start === "oldest" || (typeof start === "object" && start.direction === "before");
  const sort = fromOldest ? oldestFirst : newestFirst;
  const position = typeof start === "object" ? positionFilter(start) : {};
  const [range, ...others] = wordsOf(query);
  if (range === undefined) {
    return {
      pipeline: [
        { $match: and([exactFilter(query), position]) },
        { $sort: sort },
        { $limit: limit },
      ],
      hint: exactIndex(query),
    };
  }
  const rest = and([...others.map(keyPrefix), exactFilter(query), position]);
  return {
    pipeline: [...matchingCandidates(range, rest), { $sort: sort }, { $limit: limit }],
    hint: customerIndexNames.search,
  };
}

/** The bounded candidates of `range` that also match `rest` (the other words, filters, position). */
function matchingCandidates(range: string, rest: Document): Document[] {
  return [
    ...candidates(range, searchCandidateLimit),
    ...(Object.keys(rest).length > 0 ? [{ $match: rest }] : []),
  ];
}

/**
 * The picker's suggestions: the first `limit` customers of the longest word's range in the search
 * index's order (by the matching key, then newest first) that also match the other words, then
 * shown newest first. The read stops once it has `limit` (after at most `searchCandidateLimit`
 * candidates); only those are sorted. A customer matching by two keys can come twice where the
 * server does not remove duplicates (the caller keeps one). Null for text without words.
 */
export function suggestionPlan(text: string, limit: number): QueryPlan | null {
  const [range, ...others] = wordsOf({ text });
  if (range === undefined) return null;
  return {
    pipeline: [
      ...matchingCandidates(range, and(others.map(keyPrefix))),
      { $limit: limit },
      { $sort: newestFirst },
    ],
    hint: customerIndexNames.search,
  };
}

/** How a list's count is taken: none to take (everyone: the collection's own count), or an index-bounded one. */
export type CountPlan =
  | { kind: "everyone" }
  | { kind: "exact-filters"; filter: Document; hint: string; limit: number }
  | { kind: "text"; pipeline: Document[]; hint: string };

/**
 * Counting stops past `exactCountLimit`. A text count also says whether the candidates were cut
 * (`candidates` is then above `searchCandidateLimit`): the count is then at least what it says.
 */
export function listCountPlan(query: CustomerQuery): CountPlan {
  const [range, ...others] = wordsOf(query);
  const filter = exactFilter(query);
  if (range === undefined) {
    return Object.keys(filter).length === 0
      ? { kind: "everyone" }
      : { kind: "exact-filters", filter, hint: exactIndex(query), limit: exactCountLimit + 1 };
  }
  const rest = and([...others.map(keyPrefix), filter]);
  return {
    kind: "text",
    pipeline: [
      ...candidates(range, searchCandidateLimit + 1),
      {
        $facet: {
          candidates: [{ $count: "n" }],
          matched: [
            { $limit: searchCandidateLimit },
            ...(Object.keys(rest).length > 0 ? [{ $match: rest }] : []),
            { $limit: exactCountLimit + 1 },
            { $count: "n" },
          ],
        },
      },
    ],
    hint: customerIndexNames.search,
  };
}

/** A count that stopped early: exact when `atLeast` is false, otherwise a lower bound. */
export interface BoundedCount {
  count: number;
  atLeast: boolean;
}

/** `counted` customers (counting stopped past `exactCountLimit`); `cut` when only some were considered. */
export function boundedCount(counted: number, cut = false): BoundedCount {
  return counted > exactCountLimit
    ? { count: exactCountLimit, atLeast: true }
    : { count: counted, atLeast: cut };
}
