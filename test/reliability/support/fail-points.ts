/**
 * MongoDB's `failCommand` fail point (`configureFailPoint`, as mongod offers it with test commands
 * enabled, and as the wire test server does), scoped to one app by its driver `appName`, so that it
 * fails no other client's commands. A server has one such fail point: setting it replaces the one
 * set before, whoever set it.
 */
import { randomBytes } from "node:crypto";
import { type Document, MongoClient } from "mongodb";

export type FailPointMode = "alwaysOn" | { times: number } | { skip: number };

export interface FailCommand {
  failCommands: string[];
  errorCode?: number;
  errorLabels?: string[];
  closeConnection?: boolean;
  blockConnection?: boolean;
  blockTimeMS?: number;
  writeConcernError?: Document;
}

/** A driver appName no other test uses, for `mongo.clientOptions.appName` and the fail points. */
export function uniqueAppName(): string {
  return `fault-${randomBytes(5).toString("hex")}`;
}

export interface FailPoints {
  /** Arms the fail point for commands of this app only. */
  set(mode: FailPointMode, data: FailCommand): Promise<void>;
  /** Turns it off; resolves with how often it fired since it was set. */
  off(): Promise<number>;
}

/** Fail points for the clients named `appName`, configured through `client` (any client of the same server). */
export function failPointsFor(client: MongoClient, appName: string): FailPoints {
  const admin = client.db("admin");
  return {
    async set(mode, data) {
      await admin.command({ configureFailPoint: "failCommand", mode, data: { ...data, appName } });
    },
    async off() {
      const reply = await admin.command({ configureFailPoint: "failCommand", mode: "off" });
      return Number(reply.count ?? 0);
    },
  };
}

/**
 * Why the MongoDB at `uri` takes no `configureFailPoint` (a mongod only has it with
 * `enableTestCommands`, which Atlas never has), or null when it does. Asks without touching the fail
 * point, which another test file may be using.
 */
export async function failPointsUnavailableReason(uri: string): Promise<string | null> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    const reply = await client.db("admin").command({ getParameter: 1, enableTestCommands: 1 });
    return reply.enableTestCommands
      ? null
      : "this MongoDB has no test commands (start mongod with --setParameter enableTestCommands=1)";
  } catch (error) {
    return `this MongoDB does not say whether it has test commands (${(error as Error).message})`;
  } finally {
    await client.close();
  }
}
