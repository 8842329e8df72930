import { randomBytes } from "node:crypto";
import type { MongoClientOptions } from "mongodb";
import { inject } from "vitest";
import { connectDatabase, type Database } from "../../../src/db/mongo.js";
import { createLogger } from "../../../src/logging/logger.js";

/**
 * A fresh, uniquely named database on the run's MongoDB lane (or at `uri`), with the app's indexes;
 * drop it when done. `clientOptions` go to the driver (e.g. an `appName` of its own, to scope fail
 * points).
 */
export async function openTestDatabase(
  clientOptions?: MongoClientOptions,
  uri: string = inject("mongoUri"),
): Promise<Database & { drop(): Promise<void> }> {
  const dbName = `test_${randomBytes(5).toString("hex")}`;
  const database = await connectDatabase({
    uri,
    dbName,
    logger: createLogger({ level: "silent", pretty: false }),
    serverSelectionTimeoutMS: 5000,
    clientOptions,
  });
  return {
    ...database,
    async drop() {
      await database.db.dropDatabase().catch(() => {});
      await database.close();
    },
  };
}

/** Skips a test on the wire lane, with the reason printed, when it needs real MongoDB behaviour. */
export function needsRealMongo(): { skip: boolean; reason: string } {
  return {
    skip: !inject("realMongo"),
    reason: `needs real MongoDB (lane: ${inject("mongoLane")})`,
  };
}
