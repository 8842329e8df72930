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
 * How long an operation waits for a usable server. 2 s by default, so that during an outage a form
 * is still answered within Slack's 3-second limit with "not reachable, nothing was changed" (and no
 * change is applied later behind the user's back); `serverSelectionTimeoutMS` in MONGODB_URI wins.
 */
export const defaultServerSelectionTimeoutMs = 2000;

function serverSelectionTimeout(options: ConnectOptions): { serverSelectionTimeoutMS?: number } {
  if (options.serverSelectionTimeoutMS !== undefined)
    return { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS };
  if (/[?&]serverSelectionTimeoutMS=/i.test(options.uri)) return {};
  return { serverSelectionTimeoutMS: defaultServerSelectionTimeoutMs };
}

/**
 * Connects, checks that the server can run transactions (a replica set or sharded cluster),
 * and creates the indexes the queries rely on. Refuses with a clear message otherwise.
 */
export async function connectDatabase(options: ConnectOptions): Promise<Database> {
  const where = redactUri(options.uri);
  const client = new MongoClient(options.uri, {
    appName: "customer-bot",
    // Failed commands are counted for /metrics (`commandFailed` events).
    monitorCommands: true,
    ...serverSelectionTimeout(options),
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
