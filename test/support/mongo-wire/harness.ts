/** Test helper: one wire server and one real driver client per test file. */
import { type Db, MongoClient } from "mongodb";
import { afterAll, beforeAll } from "vitest";
import { startWireServer, type WireServer } from "./server.js";

export interface Harness {
  server: WireServer;
  client: MongoClient;
  /** A database no other test uses. */
  freshDb(): Db;
}

export function useWireServer(): Harness {
  let dbCount = 0;
  const harness = {
    freshDb: () => harness.client.db(`test_${++dbCount}`),
  } as Harness;
  beforeAll(async () => {
    harness.server = await startWireServer();
    harness.client = new MongoClient(harness.server.uri, {
      serverSelectionTimeoutMS: 5_000,
      // Lets the driver notice quickly that a suspended server is back.
      heartbeatFrequencyMS: 500,
    });
    await harness.client.connect();
  });
  afterAll(async () => {
    await harness.client?.close();
    await harness.server?.stop();
  });
  return harness;
}
