import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../logging/logger.js";
import { DatabaseSetupError } from "./mongo.js";

export interface EmbeddedMongo {
  readonly uri: string;
  stop(): Promise<void>;
}

/**
 * `npm start` without MONGODB_URI: a single-node replica set from mongodb-memory-server whose data
 * lives in `dir`, so it survives restarts. Refuses with instructions when no mongod binary can be had.
 */
export async function startEmbeddedMongo(dir: string, logger: Logger): Promise<EmbeddedMongo> {
  const dbPath = path.resolve(dir);
  await mkdir(dbPath, { recursive: true });
  const { MongoMemoryReplSet } = await import("mongodb-memory-server");
  let replSet: InstanceType<typeof MongoMemoryReplSet>;
  try {
    replSet = await MongoMemoryReplSet.create({
      replSet: { count: 1, name: "rs0", storageEngine: "wiredTiger" },
      instanceOpts: [{ dbPath, storageEngine: "wiredTiger" }],
    });
  } catch (error) {
    throw new DatabaseSetupError(
      [
        `No MongoDB server could be started: MONGODB_URI is not set and the embedded MongoDB (mongodb-memory-server) could not get a mongod binary (${(error as Error).message}).`,
        "Either set MONGODB_URI to a MongoDB replica set (e.g. an Atlas cluster: mongodb+srv://user:pass@cluster.example.net/),",
        "or set MONGOMS_SYSTEM_BINARY to the path of a mongod binary installed on this machine.",
      ].join("\n"),
      { cause: error },
    );
  }
  logger.info(
    { dataDir: dbPath },
    `MONGODB_URI is not set: started an embedded MongoDB; its data lives in ${dbPath}`,
  );
  return {
    uri: replSet.getUri(),
    stop: async () => {
      await replSet.stop({ doCleanup: false });
    },
  };
}
