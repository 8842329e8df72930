import type { Document } from "bson";
import { failedToParse } from "../errors.js";
import { DuplicateKeyError } from "../indexes.js";
import { project } from "../query-engine.js";
import { idKey } from "../store.js";
import { valueKey } from "../values.js";
import type { View } from "../view.js";
import { collectionName, optionalDocument } from "./arguments.js";
import { findMatching } from "./matching.js";
import type { CommandContext, CommandDefinition } from "./types.js";
import { readArrayFilters, readUpdate, updatedDocument, upsertedDocument } from "./updating.js";

function checkArguments(command: Document): void {
  if (command.remove === true) {
    if (command.update !== undefined) {
      throw failedToParse("Cannot specify both an update and remove=true");
    }
    if (command.upsert === true)
      throw failedToParse("Cannot specify both upsert=true and remove=true");
    if (command.new === true) throw failedToParse("Cannot specify both new=true and remove=true");
  } else if (command.update === undefined) {
    throw failedToParse("Either an update or remove=true must be specified");
  }
}

function modify(command: Document, view: View, dbName: string, name: string): Document {
  const query = optionalDocument(command, "query") ?? {};
  const fields = optionalDocument(command, "fields");
  const projected = (doc: Document) => project([doc], fields)[0] ?? null;
  const collection = view.collection(dbName, name);
  const [target] = findMatching(collection, {
    filter: query,
    sort: optionalDocument(command, "sort"),
    limit: 1,
    hint: command.hint,
  });

  if (command.remove === true) {
    if (!target) return { lastErrorObject: { n: 0 }, value: null, ok: 1 };
    collection?.remove(idKey(target));
    return { lastErrorObject: { n: 1 }, value: projected(target), ok: 1 };
  }

  const statement = {
    filter: query,
    update: readUpdate(command.update),
    arrayFilters: readArrayFilters(command.arrayFilters),
  };
  if (!target) {
    if (command.upsert !== true) {
      return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
    }
    const doc = upsertedDocument(statement);
    view.ensureCollection(dbName, name).insert(doc);
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
      value: command.new === true ? projected(doc) : null,
      ok: 1,
    };
  }
  const after = updatedDocument(target, statement);
  if (valueKey(after) !== valueKey(target)) collection?.replace(idKey(target), after);
  return {
    lastErrorObject: { n: 1, updatedExisting: true },
    value: projected(command.new === true ? after : target),
    ok: 1,
  };
}

/** Unlike batched writes, a duplicate key here fails the whole command (ok: 0, code 11000). */
async function findAndModify(command: Document, context: CommandContext): Promise<Document> {
  const name = collectionName(command, Object.keys(command)[0] as string);
  checkArguments(command);
  try {
    return await context.atomically((view) => modify(command, view, context.dbName, name));
  } catch (error) {
    if (error instanceof DuplicateKeyError) throw error.toCommandError();
    throw error;
  }
}

const definition: CommandDefinition = {
  options: [
    "query",
    "sort",
    "remove",
    "update",
    "new",
    "fields",
    "upsert",
    "arrayFilters",
    "hint",
    "bypassDocumentValidation",
  ],
  writes: true,
  allowedInTransaction: true,
  run: findAndModify,
};

export const findAndModifyCommands: Record<string, CommandDefinition> = {
  findAndModify: definition,
  findandmodify: definition,
};
