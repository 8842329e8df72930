import { type Db, MongoClient, type MongoClientOptions } from "mongodb";
import type { Logger } from "../logging/logger.js";
import { ensureIndexes } from "./indexes.js";
import { redactUri } from "./redact-uri.js";

export interface Database {
  readonly client: MongoClient;
  readonly db: Db;
  /** True when MongoDB answers a ping right now (for /readyz). */
  isReachable(): Promise<boolean>;
  close(): Promise<void>;
}

export class DatabaseSetupError extends Error {
  override name = "DatabaseSetupError";
}

export interface ConnectOptions {
  uri: string;
  dbName: string;
  logger: Logger;
  serverSelectionTimeoutMS?: number;
  clientOptions?: MongoClientOptions;
}

/**
 * Connects, checks that the server can run transactions (a replica set or sharded cluster),
 * and creates the indexes the queries rely on. Refuses with a clear message otherwise.
 */
export async function connectDatabase(options: ConnectOptions): Promise<Database> {
  const where = redactUri(options.uri);
  const client = new MongoClient(options.uri, {
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000,
    appName: "customer-bot",
    ...options.clientOptions,
  });
  try {
    await client.connect();
  } catch (error) {
    await client.close().catch(() => {});
    throw new DatabaseSetupError(
      `Cannot reach MongoDB at ${where}: ${(error as Error).message}. Check MONGODB_URI and that the server is running.`,
      { cause: error },
    );
  }
  const db = client.db(options.dbName);
  try {
    const hello = await db.admin().command({ hello: 1 });
    if (!hello.setName && hello.msg !== "isdbgrid") {
      throw new DatabaseSetupError(
        `MongoDB at ${where} is a standalone server, which cannot run transactions. The bot needs a replica set (Atlas is one; for a local mongod start it with --replSet rs0 and run rs.initiate() once).`,
      );
    }
    await ensureIndexes(db);
  } catch (error) {
    await client.close().catch(() => {});
    if (error instanceof DatabaseSetupError) throw error;
    throw new DatabaseSetupError(
      `MongoDB at ${where} could not be prepared: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  options.logger.info({ mongo: where, db: options.dbName }, "connected to MongoDB");
  return {
    client,
    db,
    async isReachable() {
      try {
        await db.command({ ping: 1 }, { timeoutMS: 2000 });
        return true;
      } catch {
        return false;
      }
    },
    close: () => client.close(),
  };
}
