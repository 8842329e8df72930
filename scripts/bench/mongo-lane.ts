/**
 * The MongoDB the benchmark runs against, chosen like the tests choose theirs
 * (test/support/mongo/choose-lane.ts), but always in a process of its own:
 * 1. MONGODB_URI (a real replica set); 2. mongodb-memory-server when a mongod can be had (it runs
 * mongod as a child process); 3. the wire test server as a child process
 * (test/support/mongo-wire/main.ts, whose first stdout line is its URI).
 */
import { lookup } from "node:dns/promises";
import { totalmem } from "node:os";
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

/** What a run will store, for sizing the wire test server's heap. */
export interface LaneSize {
  /** Documents the run stores: customers, ledger entries, audit events… */
  documents: number;
}

/** Semi-spaces of the test server of a large run, in MB (as fast as 128 or 256, less memory). */
const semiSpaceMB = 64;

/**
 * The wire test server holds every document as a JavaScript object, about 2.2 KB of heap each
 * (measured at a million customers and a million audit events). It gets a heap limit that holds
 * them, and a first old-generation size to match, so the garbage collector does not mark gigabytes
 * of live documents again each time the heap grows (a real mongod keeps its data outside any such
 * heap). Its young generation is sized up too (semi-spaces of `semiSpaceMB`, where V8 gives about
 * 16 MB): every document the server stores survives the young generation, and each scavenge's cost
 * grows with the old generation it is tied to (20–36 ms per scavenge at 2 million documents), so
 * fewer, larger scavenges cut the server's CPU per imported row by about a quarter (1M-row import:
 * 110 → 80 s of server CPU, measured side by side). Node's defaults when the run is small.
 */
function wireServerHeapArgs(size: LaneSize, memoryBytes = totalmem()): string[] {
  const MB = 1024 * 1024;
  const neededMB = Math.ceil((size.documents * 2.5 * 1024) / MB);
  if (neededMB < 1024) return [];
  const limitMB = Math.floor((memoryBytes * 0.8) / MB);
  const maxMB = Math.min(limitMB, Math.max(4096, Math.ceil(neededMB * 1.6)));
  const initialMB = Math.min(neededMB, Math.floor((memoryBytes * 0.5) / MB));
  return [
    `--max-old-space-size=${maxMB}`,
    `--initial-old-space-size=${initialMB}`,
    `--min-semi-space-size=${semiSpaceMB}`,
    `--max-semi-space-size=${semiSpaceMB}`,
  ];
}

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

async function startWireLane(why: string, logDir: string, size: LaneSize): Promise<BenchLane> {
  const nodeArgs = wireServerHeapArgs(size);
  const child = spawnScript({
    name: "wire test server",
    nodeArgs,
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
      description: `the wire test server (mingo + bson) as child process ${child.process.pid}${nodeArgs.length ? ` (${nodeArgs.join(" ")}, sized for ${size.documents.toLocaleString("en-US")} documents)` : ""}, because ${why}`,
      stop: () => child.stop(5000),
    };
  } catch (error) {
    await child.stop(1000);
    throw error;
  }
}

export async function chooseBenchLane(logDir: string, size: LaneSize): Promise<BenchLane> {
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
  if (reason !== null) return startWireLane(reason, logDir, size);
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
    return startWireLane(`mongodb-memory-server failed: ${(error as Error).message}`, logDir, size);
  }
}
