/** Batched writes: insert, update, delete. Statement failures are reported as `writeErrors`. */
import { type Document, ObjectId } from "bson";
import { badValue, CommandError } from "../errors.js";
import { DuplicateKeyError } from "../indexes.js";
import { idKey } from "../store.js";
import { valueKey } from "../values.js";
import type { View } from "../view.js";
import {
  checkStatementFields,
  collectionName,
  optionalNumber,
  requiredArray,
  requiredDocument,
} from "./arguments.js";
import { matchingDocuments } from "./matching.js";
import type { CommandContext, CommandDefinition } from "./types.js";
import {
  readArrayFilters,
  readUpdate,
  type UpdateStatement,
  updatedDocument,
  updateKind,
  upsertedDocument,
} from "./updating.js";

/**
 * Runs each statement; a failure becomes a write error. Ordered batches stop at the first
 * failure (earlier statements stay applied), unordered ones carry on. A write conflict is not a
 * statement's failure but the transaction's: it fails the whole command, as in MongoDB.
 */
async function runStatements(
  statements: unknown[],
  ordered: boolean,
  run: (statement: unknown, index: number) => void | Promise<void>,
): Promise<Document[]> {
  const writeErrors: Document[] = [];
  for (const [index, statement] of statements.entries()) {
    try {
      const running = run(statement, index);
      if (running) await running; // (most statements are done at once: no promise to wait on)
    } catch (error) {
      if (error instanceof DuplicateKeyError) {
        writeErrors.push({ index, code: 11000, errmsg: error.message, ...error.details() });
      } else if (error instanceof CommandError && error.code !== WRITE_CONFLICT) {
        writeErrors.push({
          index,
          code: error.code,
          codeName: error.codeName,
          errmsg: error.message,
        });
      } else {
        throw error;
      }
      if (ordered) break;
    }
  }
  return writeErrors;
}

const WRITE_CONFLICT = 112;

const withWriteErrors = (reply: Document, writeErrors: Document[]): Document =>
  writeErrors.length ? { ...reply, writeErrors, ok: 1 } : { ...reply, ok: 1 };

/** `_id` first, generated when absent, like mongod does. */
function documentToInsert(value: unknown): Document {
  const doc = requiredDocument(value, "each inserted document");
  if (Array.isArray(doc._id)) throw badValue("can't use an array for _id");
  if (doc._id instanceof RegExp) throw badValue("can't use a regex for _id");
  if (doc._id !== undefined && firstField(doc) === "_id") return doc; // as it is (the command's own copy)
  return { _id: doc._id === undefined ? new ObjectId() : doc._id, ...doc };
}

function firstField(doc: Document): string | undefined {
  for (const field in doc) return field;
  return undefined;
}

async function insert(command: Document, context: CommandContext): Promise<Document> {
  const { dbName } = context;
  const documents = requiredArray(command, "documents");
  const name = collectionName(command, "insert");
  let n = 0;
  const writeErrors = await runStatements(documents, command.ordered !== false, (doc) => {
    const toInsert = documentToInsert(doc);
    const done = context.atomically((view) => view.ensureCollection(dbName, name).insert(toInsert));
    if (done instanceof Promise) {
      return done.then(() => {
        n++;
      });
    }
    n++;
  });
  return withWriteErrors({ n }, writeErrors);
}

interface UpdateOutcome {
  matched: number;
  modified: number;
  upsertedId?: unknown;
}

function updateStatement(
  view: View,
  dbName: string,
  name: string,
  statement: UpdateStatement,
  multi: boolean,
  upsert: boolean,
): UpdateOutcome {
  if (multi && updateKind(statement.update) === "replacement") {
    throw badValue("multi update is not supported for replacement-style update");
  }
  const collection = view.collection(dbName, name);
  const matches = matchingDocuments(collection, statement.filter, multi ? undefined : 1);
  if (matches.length === 0) {
    if (!upsert) return { matched: 0, modified: 0 };
    const doc = upsertedDocument(statement);
    view.ensureCollection(dbName, name).insert(doc);
    return { matched: 0, modified: 0, upsertedId: doc._id };
  }
  let modified = 0;
  for (const doc of matches) {
    const after = updatedDocument(doc, statement);
    if (valueKey(after) === valueKey(doc)) continue;
    collection?.replace(idKey(doc), after);
    modified++;
  }
  return { matched: matches.length, modified };
}

const UPDATE_STATEMENT_FIELDS = ["q", "u", "upsert", "multi", "arrayFilters", "hint"];

async function update(command: Document, context: CommandContext): Promise<Document> {
  const name = collectionName(command, "update");
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const statements = requiredArray(command, "updates");
  const writeErrors = await runStatements(
    statements,
    command.ordered !== false,
    async (raw, index) => {
      const statement = requiredDocument(raw, "each update statement");
      checkStatementFields(statement, UPDATE_STATEMENT_FIELDS, "an update statement");
      const parsed = {
        filter: requiredDocument(statement.q ?? {}, "q"),
        update: readUpdate(statement.u),
        arrayFilters: readArrayFilters(statement.arrayFilters),
      };
      const outcome = await context.atomically((view) =>
        updateStatement(
          view,
          context.dbName,
          name,
          parsed,
          statement.multi === true,
          statement.upsert === true,
        ),
      );
      n += outcome.matched;
      nModified += outcome.modified;
      if (outcome.upsertedId !== undefined) {
        n++;
        upserted.push({ index, _id: outcome.upsertedId });
      }
    },
  );
  return withWriteErrors({ n, nModified, ...(upserted.length ? { upserted } : {}) }, writeErrors);
}

async function remove(command: Document, context: CommandContext): Promise<Document> {
  const { dbName } = context;
  const name = collectionName(command, "delete");
  let n = 0;
  const statements = requiredArray(command, "deletes");
  const writeErrors = await runStatements(statements, command.ordered !== false, async (raw) => {
    const statement = requiredDocument(raw, "each delete statement");
    checkStatementFields(statement, ["q", "limit", "hint"], "a delete statement");
    const limit = optionalNumber(statement, "limit") ?? 0;
    if (limit !== 0 && limit !== 1)
      throw badValue("The limit field in delete objects must be 0 or 1");
    const filter = requiredDocument(statement.q ?? {}, "q");
    n += await context.atomically((view) => {
      const collection = view.collection(dbName, name);
      const matches = matchingDocuments(collection, filter, limit || undefined);
      for (const doc of matches) collection?.remove(idKey(doc));
      return matches.length;
    });
  });
  return withWriteErrors({ n }, writeErrors);
}

const WRITE_OPTIONS = ["ordered", "bypassDocumentValidation"];

export const writeCommands: Record<string, CommandDefinition> = {
  insert: {
    options: ["documents", ...WRITE_OPTIONS],
    writes: true,
    allowedInTransaction: true,
    run: insert,
  },
  update: {
    options: ["updates", ...WRITE_OPTIONS],
    writes: true,
    allowedInTransaction: true,
    run: update,
  },
  delete: {
    options: ["deletes", ...WRITE_OPTIONS],
    writes: true,
    allowedInTransaction: true,
    run: remove,
  },
};
