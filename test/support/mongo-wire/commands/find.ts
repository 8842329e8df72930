/** Reads: find, getMore, killCursors, count, distinct. */
import { type Document, Long } from "bson";
import { cursorIdOf } from "../cursors.js";
import { badValue } from "../errors.js";
import { findDocuments, project } from "../query-engine.js";
import { MISSING, valueKey, valuesAtPath } from "../values.js";
import { collectionName, optionalDocument, optionalNumber, requiredArray } from "./arguments.js";
import {
  candidates,
  findMatching,
  matchingDocuments,
  type ReadTrace,
  traceMatches,
} from "./matching.js";
import type { CommandContext, CommandDefinition } from "./types.js";

function nonNegative(command: Document, field: string): number | undefined {
  const value = optionalNumber(command, field);
  if (value !== undefined && value < 0) throw badValue(`${field} must be non-negative`);
  return value;
}

/** `{ $natural: ±1 }` asks for insertion order (or its reverse) rather than a field sort. */
function naturalOrder(sort: Document | undefined): {
  sort?: Document;
  natural: boolean;
  reverse: boolean;
} {
  if (!sort || !("$natural" in sort)) return { sort, natural: false, reverse: false };
  if (Object.keys(sort).length > 1)
    throw badValue("$natural sort cannot be combined with other fields");
  return { natural: true, reverse: sort.$natural === -1 };
}

/** What a find asked for, as it ran. */
export interface FindRun {
  readonly ns: string;
  readonly docs: Document[];
  readonly filter: Document;
  readonly sort: Document | undefined;
  readonly skip: number;
  readonly limit: number;
  readonly projection: Document | undefined;
  /** `sort: { $natural: -1 }`: the collection read backwards. */
  readonly backwards: boolean;
}

/** Runs a `find` up to its documents (projected); `trace` notes how (for `explain`). */
export function runFind(
  command: Document,
  { view, dbName }: CommandContext,
  trace?: ReadTrace,
): FindRun {
  const name = collectionName(command, "find");
  const filter = optionalDocument(command, "filter") ?? {};
  const collection = view.collection(dbName, name);
  // A negative limit is the legacy spelling of "limit, in a single batch".
  const limit = Math.abs(optionalNumber(command, "limit") ?? 0);
  const { sort, natural, reverse } = naturalOrder(optionalDocument(command, "sort"));
  const read = { filter, sort, skip: nonNegative(command, "skip"), limit };
  const projection = optionalDocument(command, "projection");
  let docs: Document[];
  if (natural) {
    const source = candidates(collection, filter, trace);
    traceMatches(trace, source, read);
    docs = findDocuments(reverse ? source.reverse() : source, { ...read, projection });
  } else {
    const found = findMatching(collection, { ...read, hint: command.hint, trace });
    docs = project(found, projection, filter);
  }
  const ns = `${dbName}.${name}`;
  return { ns, docs, filter, sort, skip: read.skip ?? 0, limit, projection, backwards: reverse };
}

function find(command: Document, context: CommandContext): Document {
  const { ns, docs } = runFind(command, context);
  const singleBatch = command.singleBatch === true || (optionalNumber(command, "limit") ?? 0) < 0;
  const batchSize = nonNegative(command, "batchSize");
  return { cursor: context.cursors.open(ns, docs, batchSize, singleBatch), ok: 1 };
}

function getMore(command: Document, { cursors, dbName }: CommandContext): Document {
  const ns = `${dbName}.${collectionName(command, "collection")}`;
  const cursor = cursors.getMore(
    cursorIdOf(command.getMore),
    ns,
    nonNegative(command, "batchSize"),
  );
  return { cursor, ok: 1 };
}

function killCursors(command: Document, { cursors }: CommandContext): Document {
  collectionName(command, "killCursors");
  const ids = requiredArray(command, "cursors").map(cursorIdOf);
  const killed = new Set(cursors.kill(ids));
  const asLongs = (list: string[]) => list.map((id) => Long.fromString(id));
  return {
    cursorsKilled: asLongs([...killed]),
    cursorsNotFound: asLongs(ids.filter((id) => !killed.has(id))),
    cursorsAlive: [],
    cursorsUnknown: [],
    ok: 1,
  };
}

/** `estimatedDocumentCount` (no query) is answered from the collection's count of documents. */
function count(command: Document, { view, dbName }: CommandContext): Document {
  const collection = view.collection(dbName, collectionName(command, "count"));
  const query = optionalDocument(command, "query") ?? {};
  const skip = nonNegative(command, "skip") ?? 0;
  const limit = Math.abs(optionalNumber(command, "limit") ?? 0);
  if (Object.keys(query).length === 0 && command.hint === undefined) {
    const afterSkip = Math.max(0, (collection?.count() ?? 0) - skip);
    return { n: limit ? Math.min(limit, afterSkip) : afterSkip, ok: 1 };
  }
  const read = { filter: query, skip, limit, hint: command.hint };
  return { n: findMatching(collection, read).length, ok: 1 };
}

function distinct(command: Document, { view, dbName }: CommandContext): Document {
  const collection = view.collection(dbName, collectionName(command, "distinct"));
  const key = command.key;
  if (typeof key !== "string" || key === "") throw badValue("distinct 'key' must be a string");
  const path = key.split(".");
  const values = new Map<string, unknown>();
  for (const doc of matchingDocuments(collection, optionalDocument(command, "query") ?? {})) {
    for (const value of valuesAtPath(doc, path)) {
      if (value !== MISSING && !values.has(valueKey(value))) values.set(valueKey(value), value);
    }
  }
  return { values: [...values.values()], ok: 1 };
}

const FIND_OPTIONS = [
  "filter",
  "sort",
  "projection",
  "hint",
  "skip",
  "limit",
  "batchSize",
  "singleBatch",
  "noCursorTimeout",
  "allowDiskUse",
  "allowPartialResults",
  "oplogReplay",
];

export const findCommands: Record<string, CommandDefinition> = {
  find: { options: FIND_OPTIONS, allowedInTransaction: true, run: find },
  getMore: { options: ["collection", "batchSize"], allowedInTransaction: true, run: getMore },
  killCursors: { options: ["cursors"], allowedInTransaction: true, run: killCursors },
  count: { options: ["query", "skip", "limit", "hint"], run: count },
  distinct: { options: ["key", "query", "hint"], allowedInTransaction: true, run: distinct },
};
