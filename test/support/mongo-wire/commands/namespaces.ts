/** Databases and collections: listDatabases, dropDatabase, create, drop, listCollections. */
import { BSON, type Document } from "bson";
import type { Collection } from "../collection.js";
import { CommandError, namespaceNotFound } from "../errors.js";
import { compileFilter } from "../query-engine.js";
import { Conflict } from "../writer.js";
import { collectionName, cursorBatchSize, optionalDocument, requireAdmin } from "./arguments.js";
import type { CommandContext, CommandDefinition } from "./types.js";

function listDatabases(command: Document, { store, view, dbName }: CommandContext): Document {
  requireAdmin(dbName, "listDatabases");
  const filter = optionalDocument(command, "filter");
  let databases = store.databaseNames().map((name) => {
    const collections = [...(store.database(name)?.collections.keys() ?? [])];
    const sizeOnDisk = collections.reduce(
      (sum, collection) =>
        sum +
        (view.collection(name, collection)?.all() ?? []).reduce(
          (size, doc) => size + BSON.calculateObjectSize(doc),
          0,
        ),
      0,
    );
    return { name, sizeOnDisk, empty: false };
  });
  if (filter) databases = databases.filter(compileFilter(filter));
  const totalSize = databases.reduce((sum, db) => sum + db.sizeOnDisk, 0);
  if (command.nameOnly) return { databases: databases.map(({ name }) => ({ name })), ok: 1 };
  return { databases, totalSize, totalSizeMb: Math.floor(totalSize / 1024 / 1024), ok: 1 };
}

/** Waits, like MongoDB's exclusive lock, for transactions writing to the collection to end. */
function checkNoTransactionWrites(collection: Collection | undefined): void {
  const writer = collection?.firstPendingWriter();
  if (writer) throw new Conflict(writer, `dropping ${collection?.ns}`);
}

function dropDatabase(_command: Document, context: CommandContext): Document | Promise<Document> {
  const { store, dbName } = context;
  return context.atomically(() => {
    for (const collection of store.database(dbName)?.collections.values() ?? []) {
      checkNoTransactionWrites(collection);
    }
    store.dropDatabase(dbName);
    return { dropped: dbName, ok: 1 };
  });
}

function create(command: Document, context: CommandContext): Document | Promise<Document> {
  const { dbName } = context;
  const name = collectionName(command, "create");
  return context.atomically((view) => {
    if (view.collection(dbName, name)) {
      throw new CommandError(48, "NamespaceExists", `Collection ${dbName}.${name} already exists.`);
    }
    view.createCollection(dbName, name);
    return { ok: 1 };
  });
}

function drop(command: Document, context: CommandContext): Document | Promise<Document> {
  const { store, dbName } = context;
  const name = collectionName(command, "drop");
  return context.atomically(() => {
    const collection = store.collection(dbName, name);
    if (!collection) throw namespaceNotFound("ns not found");
    checkNoTransactionWrites(collection);
    const nIndexesWas = collection.indexSpecs().length;
    store.dropCollection(dbName, name);
    return { ns: collection.ns, nIndexesWas, ok: 1 };
  });
}

function listCollections(command: Document, context: CommandContext): Document {
  const { store, dbName, cursors } = context;
  const filter = optionalDocument(command, "filter");
  let infos: Document[] = [...(store.database(dbName)?.collections.values() ?? [])].map(
    (collection) => ({
      name: collection.name,
      type: "collection",
      options: {},
      info: { readOnly: false },
      idIndex: { v: 2, key: { _id: 1 }, name: "_id_" },
    }),
  );
  if (filter) infos = infos.filter(compileFilter(filter));
  if (command.nameOnly) infos = infos.map(({ name, type }) => ({ name, type }));
  const cursor = cursors.open(`${dbName}.$cmd.listCollections`, infos, cursorBatchSize(command));
  return { cursor, ok: 1 };
}

export const namespaceCommands: Record<string, CommandDefinition> = {
  listDatabases: {
    options: ["filter", "nameOnly", "authorizedDatabases"],
    run: listDatabases,
  },
  dropDatabase: { options: [], writes: true, run: dropDatabase },
  create: { options: [], writes: true, allowedInTransaction: true, run: create },
  drop: { options: [], writes: true, run: drop },
  listCollections: {
    options: ["filter", "nameOnly", "authorizedCollections", "cursor"],
    run: listCollections,
  },
};
