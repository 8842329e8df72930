/** Update semantics shared by `update` and `findAndModify`: operators, replacement, pipeline, upsert. */
import { type Document, ObjectId } from "bson";
import { badValue, CommandError, failedToParse, typeMismatch, unsupported } from "../errors.js";
import { applyUpdate } from "../query-engine.js";
import { formatValue, isPlainObject, MISSING, setPath, valueKey, valuesAtPath } from "../values.js";

export interface UpdateStatement {
  filter: Document;
  update: Document | Document[];
  arrayFilters?: Document[];
}

type UpdateKind = "operators" | "replacement" | "pipeline";

export function updateKind(update: Document | Document[]): UpdateKind {
  if (Array.isArray(update)) return "pipeline";
  const keys = Object.keys(update);
  const operators = keys.filter((key) => key.startsWith("$")).length;
  if (operators === 0) return "replacement";
  if (operators < keys.length) {
    throw failedToParse("Update document cannot mix update operators and replacement fields");
  }
  return "operators";
}

export function readUpdate(value: unknown): Document | Document[] {
  if (Array.isArray(value) && value.every(isPlainObject)) return value;
  if (isPlainObject(value)) return value;
  throw failedToParse("Update argument must be either an object or an array");
}

export function readArrayFilters(value: unknown): Document[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every(isPlainObject)) {
    throw typeMismatch("arrayFilters must be an array of objects");
  }
  return value;
}

const BSON_NUMBER_WRAPPERS = new Set(["Long", "Decimal128", "Double", "Int32"]);

function bsonTypeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value instanceof Date) return "date";
  if (typeof value === "boolean") return "bool";
  if (isPlainObject(value)) return "object";
  if (typeof value === "object") return (value as { _bsontype?: string })._bsontype ?? "object";
  return typeof value;
}

/** mingo skips $inc/$mul on non-numbers silently; MongoDB refuses, and so do we. */
function checkArithmeticTargets(doc: Document, update: Document): void {
  for (const operator of ["$inc", "$mul"]) {
    const fields = update[operator];
    if (!isPlainObject(fields)) continue;
    for (const path of Object.keys(fields)) {
      if (path.includes("$")) continue;
      for (const value of valuesAtPath(doc, path.split("."))) {
        if (value === MISSING || typeof value === "number") continue;
        const type = bsonTypeName(value);
        if (BSON_NUMBER_WRAPPERS.has(type)) {
          throw unsupported(`${operator} on a ${type} value (field '${path}')`);
        }
        throw typeMismatch(
          `Cannot apply ${operator} to a value of non-numeric type. {_id: ${formatValue(doc._id)}} has the field '${path}' of non-numeric type ${type}`,
        );
      }
    }
  }
}

function withoutId(doc: Document): Document {
  const { _id, ...rest } = doc;
  return rest;
}

function checkIdUnchanged(before: Document, after: Document): void {
  if (valueKey(before._id) !== valueKey(after._id)) {
    throw new CommandError(
      66,
      "ImmutableField",
      `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${formatValue(after._id)}`,
    );
  }
}

/** The new version of a matched document; `doc` itself is left untouched. */
export function updatedDocument(doc: Document, statement: UpdateStatement): Document {
  const { update, filter, arrayFilters } = statement;
  let after: Document;
  switch (updateKind(update)) {
    case "replacement": {
      const replacement = update as Document;
      after = { _id: replacement._id ?? doc._id, ...withoutId(replacement) };
      break;
    }
    case "pipeline":
      after = applyUpdate(doc, update, filter, arrayFilters);
      break;
    case "operators": {
      const { $setOnInsert: _onInsertOnly, ...operators } = update as Document;
      checkArithmeticTargets(doc, operators);
      after = applyUpdate(doc, operators, filter, arrayFilters);
    }
  }
  checkIdUnchanged(doc, after);
  return after;
}

/** The fields a query pins to one value, which seed an upserted document. */
function equalityFields(filter: Document, into: Document): void {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === "$and" && Array.isArray(condition)) {
      for (const clause of condition) if (isPlainObject(clause)) equalityFields(clause, into);
      continue;
    }
    if (key.startsWith("$") || condition instanceof RegExp) continue;
    if (isPlainObject(condition) && Object.keys(condition).some((k) => k.startsWith("$"))) {
      if ("$eq" in condition && !(condition.$eq instanceof RegExp))
        setPath(into, key, condition.$eq);
      continue;
    }
    setPath(into, key, condition);
  }
}

/** The document an upsert inserts when nothing matched. */
export function upsertedDocument(statement: UpdateStatement): Document {
  const { update, filter, arrayFilters } = statement;
  const seed: Document = {};
  equalityFields(filter, seed);
  let doc: Document;
  switch (updateKind(update)) {
    case "replacement":
      doc = { ...(update as Document) };
      if (doc._id === undefined && seed._id !== undefined) doc._id = seed._id;
      break;
    case "pipeline":
      doc = applyUpdate(seed, update, {}, arrayFilters);
      break;
    case "operators": {
      const { $setOnInsert, ...operators } = update as Document;
      if ($setOnInsert !== undefined && !isPlainObject($setOnInsert)) {
        throw badValue("$setOnInsert must be an object");
      }
      if ($setOnInsert) operators.$set = { ...(operators.$set as Document), ...$setOnInsert };
      checkArithmeticTargets(seed, operators);
      doc = applyUpdate(seed, operators, {}, arrayFilters);
      if (seed._id !== undefined) checkIdUnchanged(seed, doc);
    }
  }
  return doc._id === undefined ? { _id: new ObjectId(), ...doc } : { _id: doc._id, ...doc };
}
