/**
 * The MongoDB the benchmark runs against, chosen like the tests choose theirs
 * (test/support/mongo/choose-lane.ts), but always in a process of its own:
 * 1. MONGODB_URI (a real replica set); 2. mongodb-memory-server when a mongod can be had (it runs
 * mongod as a child process); 3. the wire test server as a child process
 * (test/support/mongo-wire/main.ts, whose first stdout line is its URI).
 */
import { lookup } from "node:dns/promises";
import { join } from "node:path";
import { firstLine, rememberProcess, spawnScript, withTimeout } from "./processes.js";

export interface BenchLane {
  name: "MONGODB_URI" | "mongodb-memory-server" | "wire test server";
  uri: string;
  realMongo: boolean;
  description: string;
  /** The database server's process, when it runs on this machine (for its CPU time). */
  pid?: number;
  stop(): Promise<void>;
}

const startTimeoutMs = 120_000;

async function memoryServerUnavailableReason(): Promise<string | null> {
  if (process.env.MONGOMS_SYSTEM_BINARY) return null;
  const { DryMongoBinary } = await import("mongodb-memory-server");
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

async function startWireLane(why: string, logDir: string): Promise<BenchLane> {
  const child = spawnScript({
    name: "wire test server",
    script: "test/support/mongo-wire/main.ts",
    args: ["--port", "0"],
    logFile: join(logDir, "wire-server.log"),
    pipeStdout: true,
  });
  try {
    const uri = await firstLine(child, /^mongodb:\/\//, 30_000);
    return {
      name: "wire test server",
      uri,
      realMongo: false,
      pid: child.process.pid,
      description: `the wire test server (mingo + bson) as child process ${child.process.pid}, because ${why}`,
      stop: () => child.stop(5000),
    };
  } catch (error) {
    await child.stop(1000);
    throw error;
  }
}

export async function chooseBenchLane(logDir: string): Promise<BenchLane> {
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
  if (reason !== null) return startWireLane(reason, logDir);
  try {
    const { MongoMemoryReplSet } = await import("mongodb-memory-server");
    const replSet = await withTimeout(
      MongoMemoryReplSet.create({ replSet: { count: 1, storageEngine: "wiredTiger" } }),
      startTimeoutMs,
      "starting mongodb-memory-server",
    );
    for (const server of replSet.servers)
      rememberProcess(server.instanceInfo?.instance.mongodProcess?.pid);
    return {
      name: "mongodb-memory-server",
      uri: replSet.getUri(),
      realMongo: true,
      pid: replSet.servers[0]?.instanceInfo?.instance.mongodProcess?.pid,
      description: "a one-node replica set from mongodb-memory-server (mongod in its own process)",
      stop: () => replSet.stop().then(() => undefined),
    };
  } catch (error) {
    return startWireLane(`mongodb-memory-server failed: ${(error as Error).message}`, logDir);
  }
}
