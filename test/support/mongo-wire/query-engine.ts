/**
 * The query, projection, update and aggregation semantics, delegated to mingo.
 * mingo's default entry point registers every operator it implements; anything it throws
 * (e.g. an unknown operator) becomes a BadValue error naming the problem.
 */
import type { Document } from "bson";
import { Aggregator, Query, updateOne } from "mingo";
import type { AnyObject, Options, SortSpec } from "mingo/types";
import { badValue, CommandError, unsupported } from "./errors.js";
import { cloneValue, isPlainObject } from "./values.js";

const MINGO_OPTIONS: Partial<Options> = { scriptEnabled: false };

/** `$type` aliases mingo understands; others (e.g. "objectId") would silently match nothing. */
const SUPPORTED_TYPE_ALIASES = new Set<unknown>([
  "array",
  "bool",
  "date",
  "decimal",
  "double",
  "int",
  "long",
  "null",
  "number",
  "object",
  "regex",
  "string",
  1,
  2,
  3,
  4,
  8,
  9,
  10,
  11,
  16,
  18,
  19,
]);

/**
 * Stages that never modify their input documents, so stored documents can be fed directly.
 * ($project is not one: mingo removes excluded nested fields from the shared sub-documents.)
 */
const NON_MUTATING_STAGES = new Set([
  "$match",
  "$sort",
  "$skip",
  "$limit",
  "$group",
  "$count",
  "$sortByCount",
]);

const REFUSED_STAGES = new Set(["$out", "$merge"]);

function viaMingo<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof CommandError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw badValue(`invalid or unsupported ${what}: ${message}`);
  }
}

function checkTypeOperators(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) checkTypeOperators(item);
    return;
  }
  if (!isPlainObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === "$type") {
      for (const alias of Array.isArray(value) ? value : [value]) {
        if (!SUPPORTED_TYPE_ALIASES.has(alias)) unsupportedType(alias);
      }
    } else if (key !== "$expr") {
      checkTypeOperators(value);
    }
  }
}

function unsupportedType(alias: unknown): never {
  throw unsupported(`query operator $type with type ${JSON.stringify(alias)}`);
}

/** mingo would quietly sort `{ $meta: "textScore" }` or `2` as ascending. */
function checkSort(sort: Document): void {
  for (const [field, direction] of Object.entries(sort)) {
    if (direction !== 1 && direction !== -1) {
      throw unsupported(
        `sort order ${JSON.stringify(direction)} for '${field}' (only 1 and -1 are)`,
      );
    }
  }
}

/** Applies the query-side checks to every `$match` and `$sort` stage, nested ones included. */
function checkPipeline(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) checkPipeline(item);
    return;
  }
  if (!isPlainObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === "$match") checkTypeOperators(value);
    else if (key === "$sort" && isPlainObject(value)) checkSort(value);
    else checkPipeline(value);
  }
}

export type Matcher = (doc: Document) => boolean;

export function compileFilter(filter: Document): Matcher {
  checkTypeOperators(filter);
  const query = viaMingo("query", () => new Query(filter, MINGO_OPTIONS));
  return (doc) => viaMingo("query", () => query.test(doc));
}

interface FindSpec {
  filter: Document;
  sort?: Document;
  skip?: number;
  limit?: number;
  projection?: Document;
}

/** Filter, then sort, skip, limit and finally project, like the `find` command. */
export function findDocuments(candidates: Document[], spec: FindSpec): Document[] {
  checkTypeOperators(spec.filter);
  if (spec.sort) checkSort(spec.sort);
  const found = viaMingo("query", () => {
    const cursor = new Query(spec.filter, MINGO_OPTIONS).find(candidates);
    if (spec.sort && Object.keys(spec.sort).length) cursor.sort(spec.sort as SortSpec);
    if (spec.skip) cursor.skip(spec.skip);
    if (spec.limit) cursor.limit(spec.limit);
    return cursor.all() as Document[];
  });
  return project(found, spec.projection, spec.filter);
}

/**
 * Applies a find-style projection to copies of `docs` (mingo's exclusions edit nested
 * sub-documents in place). `filter` serves the positional `field.$` projection.
 */
export function project(docs: Document[], projection: Document | undefined, filter: Document = {}) {
  if (!projection || Object.keys(projection).length === 0) return docs;
  const excluded = topLevelExclusions(projection);
  if (excluded) return docs.map((doc) => withoutFields(doc, excluded));
  return viaMingo(
    "projection",
    () =>
      new Query(filter, MINGO_OPTIONS).find(docs.map(cloneValue), projection).all() as Document[],
  );
}

export function runPipeline(
  source: Document[],
  pipeline: Document[],
  resolveCollection: (name: string) => Document[],
): Document[] {
  for (const stage of pipeline) {
    const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
    if (name && REFUSED_STAGES.has(name)) throw unsupported(`aggregation stage ${name}`);
  }
  checkPipeline(pipeline);
  const mutating = pipeline.some((stage) => !NON_MUTATING_STAGES.has(Object.keys(stage)[0] ?? ""));
  const input = mutating ? source.map(cloneValue) : source;
  return viaMingo("aggregation pipeline", () =>
    new Aggregator(pipeline as AnyObject[], {
      ...MINGO_OPTIONS,
      collectionResolver: (name) => resolveCollection(name).map(cloneValue),
    }).run(input),
  );
}

/**
 * Applies update operators (or an update pipeline) to a private copy of `doc` and returns it.
 * `filter` is the statement's query, needed by the positional `$` operator.
 */
export function applyUpdate(
  doc: Document,
  update: Document | Document[],
  filter: Document,
  arrayFilters: Document[] | undefined,
): Document {
  const docs = [cloneValue(doc)];
  if (Array.isArray(update) || Object.keys(update).length > 0) {
    viaMingo("update", () =>
      updateOne(
        docs,
        Array.isArray(update) ? {} : filter,
        update as AnyObject,
        { arrayFilters, cloneMode: "deep" },
        MINGO_OPTIONS,
      ),
    );
  }
  return docs[0] as Document;
}

/**
 * The fields of a projection that only excludes top-level fields (`{ passwordHash: 0, _id: 0 }`),
 * which needs no mingo and no deep copy; undefined for any other projection.
 */
function topLevelExclusions(projection: Document): Set<string> | undefined {
  const fields = new Set<string>();
  for (const [field, value] of Object.entries(projection)) {
    if (value !== 0 && value !== false) return undefined;
    if (field === "" || field.includes(".") || field.startsWith("$")) return undefined;
    fields.add(field);
  }
  return fields;
}

/**
 * `doc` without `excluded`, in its field order. A shallow copy: the nested values are the stored
 * document's, which is never changed in place, and a reply is only serialized.
 */
function withoutFields(doc: Document, excluded: ReadonlySet<string>): Document {
  const copy: Document = {};
  for (const field of Object.keys(doc)) {
    if (excluded.has(field)) continue;
    if (field === "__proto__") {
      Object.defineProperty(copy, field, { value: doc[field], enumerable: true, writable: true });
    } else {
      copy[field] = doc[field];
    }
  }
  return copy;
}
