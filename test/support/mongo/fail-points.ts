/**
 * MongoDB's `failCommand` fail point (`configureFailPoint`, as mongod offers it with test commands
 * enabled, and as the wire test server does), scoped to one app by its driver `appName`, so that it
 * fails no other client's commands. A server has one such fail point: setting it replaces the one
 * set before, whoever set it.
 */
import { randomBytes } from "node:crypto";
import { type Document, MongoClient } from "mongodb";
import { inject } from "vitest";
import { startWireServer } from "../mongo-wire/server.js";

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

/**
 * Why this run's MongoDB cannot give a test file a fail point of its own, or null when it can. On the
 * wire lane every file gets a wire test server of its own (`startFaultMongo`); a real MongoDB needs
 * test commands.
 */
export async function faultMongoUnavailableReason(): Promise<string | null> {
  return inject("realMongo") ? failPointsUnavailableReason(inject("mongoUri")) : null;
}

/**
 * A MongoDB whose one `failCommand` fail point belongs to the calling test file: a server has one
 * such fail point (mongod too), so files arming theirs on a shared server would replace and clear
 * each other's. On the wire lane: a wire test server of the file's own. On a real lane: the run's
 * server (files that use fail points there should not run at the same time).
 */
export async function startFaultMongo(): Promise<{ uri: string; stop(): Promise<void> }> {
  if (inject("realMongo")) return { uri: inject("mongoUri"), stop: async () => {} };
  const server = await startWireServer();
  return { uri: server.uri, stop: () => server.stop() };
}
