/** createIndexes, listIndexes, dropIndexes. */
import type { Document } from "bson";
import { badValue, CommandError, namespaceNotFound } from "../errors.js";
import { type IndexSpec, normalizeIndexSpec } from "../indexes.js";
import { isPlainObject, valueKey } from "../values.js";
import type { CollectionView, View } from "../view.js";
import { collectionName, cursorBatchSize, requiredArray } from "./arguments.js";
import type { CommandContext, CommandDefinition } from "./types.js";

function createIndexes(command: Document, context: CommandContext): Document | Promise<Document> {
  const name = collectionName(command, "createIndexes");
  const specs = requiredArray(command, "indexes").map(normalizeIndexSpec);
  if (specs.length === 0) throw badValue("Must specify at least one index to create");
  return context.atomically((view) => createIndexesIn(view, context.dbName, name, specs));
}

function createIndexesIn(view: View, dbName: string, name: string, specs: IndexSpec[]): Document {
  const existed = view.collection(dbName, name) !== undefined;
  const collection = view.ensureCollection(dbName, name);
  const numIndexesBefore = collection.indexSpecs().length;
  const created: string[] = [];
  try {
    for (const spec of specs) {
      if (collection.createIndex(spec)) created.push(spec.name);
    }
  } catch (error) {
    for (const index of created) collection.dropIndex(index);
    throw error;
  }
  return {
    numIndexesBefore,
    numIndexesAfter: numIndexesBefore + created.length,
    createdCollectionAutomatically: !existed,
    ...(created.length === 0 ? { note: "all indexes already exist" } : {}),
    ok: 1,
  };
}

function requireCollection(context: CommandContext, name: string): CollectionView {
  const collection = context.view.collection(context.dbName, name);
  if (!collection) throw namespaceNotFound(`ns does not exist: ${context.dbName}.${name}`);
  return collection;
}

function listIndexes(command: Document, context: CommandContext): Document {
  const collection = requireCollection(context, collectionName(command, "listIndexes"));
  const cursor = context.cursors.open(
    collection.ns,
    collection.indexSpecs(),
    cursorBatchSize(command),
  );
  return { cursor, ok: 1 };
}

/** Resolves the `index` argument: a name, a key pattern, a list of names, or "*". */
function indexNamesToDrop(collection: CollectionView, target: unknown): string[] {
  const specs = collection.indexSpecs();
  if (target === "*") return specs.map((spec) => spec.name).filter((name) => name !== "_id_");
  const names = Array.isArray(target) ? target : [target];
  return names.map((wanted) => {
    const spec = isPlainObject(wanted)
      ? specs.find((candidate) => valueKey(candidate.key) === valueKey(wanted))
      : specs.find((candidate) => candidate.name === wanted);
    if (!spec) {
      throw new CommandError(
        27,
        "IndexNotFound",
        `index not found with name [${isPlainObject(wanted) ? JSON.stringify(wanted) : String(wanted)}]`,
      );
    }
    if (spec.name === "_id_") throw new CommandError(72, "InvalidOptions", "cannot drop _id index");
    return spec.name;
  });
}

function dropIndexes(command: Document, context: CommandContext): Document {
  const collection = requireCollection(context, collectionName(command, "dropIndexes"));
  const nIndexesWas = collection.indexSpecs().length;
  for (const name of indexNamesToDrop(collection, command.index)) collection.dropIndex(name);
  return { nIndexesWas, ok: 1 };
}

export const indexCommands: Record<string, CommandDefinition> = {
  createIndexes: {
    options: ["indexes", "commitQuorum"],
    writes: true,
    allowedInTransaction: true,
    run: createIndexes,
  },
  listIndexes: { options: ["cursor"], run: listIndexes },
  dropIndexes: { options: ["index"], writes: true, run: dropIndexes },
};
