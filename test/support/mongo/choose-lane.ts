import { lookup } from "node:dns/promises";
import { DryMongoBinary, MongoMemoryReplSet } from "mongodb-memory-server";
import { startWireServer } from "../mongo-wire/server.js";

/** The MongoDB a test run uses: one of ENGINEERING.md's three lanes, chosen once per run. */
export interface MongoLane {
  name: "MONGODB_URI" | "mongodb-memory-server" | "wire test server";
  uri: string;
  /** True only for a real mongod (lanes 1 and 2). */
  realMongo: boolean;
  description: string;
  stop(): Promise<void>;
}

const downloadTimeoutMs = 120_000;

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000}s`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether mongodb-memory-server can have a mongod: a system binary, a cached one, or — only when the
 * download host even resolves — a download. Answers in milliseconds on a machine with no network.
 */
async function memoryServerUnavailableReason(): Promise<string | null> {
  if (process.env.MONGOMS_SYSTEM_BINARY) return null;
  const options = await DryMongoBinary.generateOptions();
  if (await DryMongoBinary.locateBinary(options)) return null;
  const mirror = process.env.MONGOMS_DOWNLOAD_MIRROR ?? "https://fastdl.mongodb.org";
  const host = new URL(mirror).hostname;
  try {
    await withTimeout(lookup(host), 3000, `resolving ${host}`);
    return null;
  } catch {
    return `no cached mongod, no MONGOMS_SYSTEM_BINARY, and ${host} is not reachable for a download`;
  }
}

export async function chooseMongoLane(): Promise<MongoLane> {
  const uri = process.env.MONGODB_URI;
  if (uri) {
    return {
      name: "MONGODB_URI",
      uri,
      realMongo: true,
      description: "the server in MONGODB_URI",
      stop: async () => {},
    };
  }
  const reason = await memoryServerUnavailableReason();
  if (reason === null) {
    try {
      const replSet = await withTimeout(
        MongoMemoryReplSet.create({ replSet: { count: 1, storageEngine: "wiredTiger" } }),
        downloadTimeoutMs,
        "starting mongodb-memory-server",
      );
      return {
        name: "mongodb-memory-server",
        uri: replSet.getUri(),
        realMongo: true,
        description: "a one-node replica set from mongodb-memory-server",
        stop: () => replSet.stop().then(() => undefined),
      };
    } catch (error) {
      return startWireLane(`mongodb-memory-server failed: ${(error as Error).message}`);
    }
  }
  return startWireLane(reason);
}

async function startWireLane(why: string): Promise<MongoLane> {
  const server = await startWireServer();
  return {
    name: "wire test server",
    uri: server.uri,
    realMongo: false,
    description: `the in-process wire test server (mingo + bson), because ${why}`,
    stop: () => server.stop(),
  };
}
