/**
 * Connection handshake and server information: hello/isMaster, ping, buildInfo, getParameter,
 * serverStatus.
 */
import { type Document, Long } from "bson";
import { CommandError } from "../errors.js";
import { TRANSACTION_LIFETIME_MS } from "../transactions.js";
import type { CommandContext, CommandDefinition } from "./types.js";

const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE_BYTES = 48_000_000;

/**
 * The primary of a one-node replica set. No `topologyVersion`, so the driver polls instead of
 * using streaming monitoring (which would need awaitable hello).
 */
function hello(command: Document, { identity, connectionId }: CommandContext): Document {
  const address = `${identity.host.includes(":") ? `[${identity.host}]` : identity.host}:${identity.port}`;
  return {
    ...(command.helloOk ? { helloOk: true } : {}),
    isWritablePrimary: true,
    ismaster: true,
    secondary: false,
    setName: identity.setName,
    setVersion: 1,
    electionId: identity.electionId,
    hosts: [address],
    primary: address,
    me: address,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
    ok: 1,
  };
}

const handshake: CommandDefinition = { options: "any", handshake: true, run: hello };

const PARAMETERS: Document = {
  featureCompatibilityVersion: { version: "7.0" },
  transactionLifetimeLimitSeconds: TRANSACTION_LIFETIME_MS / 1000,
  // Like a mongod started with --setParameter enableTestCommands=1: configureFailPoint works.
  enableTestCommands: true,
};

function getParameter(command: Document): Document {
  if (command.getParameter === "*") return { ...PARAMETERS, ok: 1 };
  const reply: Document = {};
  for (const name of Object.keys(command).slice(1)) {
    if (name.startsWith("$") || ["lsid", "comment"].includes(name)) continue;
    if (!(name in PARAMETERS)) {
      throw new CommandError(
        72,
        "InvalidOptions",
        `no option found to get: '${name}' (the test wire server knows ${Object.keys(PARAMETERS).join(", ")})`,
      );
    }
    reply[name] = PARAMETERS[name];
  }
  return { ...reply, ok: 1 };
}

function buildInfo(): Document {
  return {
    version: "7.0.0",
    gitVersion: "test-wire-server",
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    javascriptEngine: "none",
    storageEngines: ["inMemory"],
    ok: 1,
  };
}

/**
 * The part of mongod's `serverStatus` this server keeps: `metrics.queryExecutor.scannedObjects`, the
 * documents examined by every command so far (`scanned`, index keys, is not counted), and the same
 * by command name under `wireTestServer`.
 */
function serverStatus(_command: Document, { examinedTotals }: CommandContext): Document {
  let total = 0;
  for (const n of examinedTotals.values()) total += n;
  return {
    process: "mongod",
    version: "7.0.0",
    metrics: { queryExecutor: { scannedObjects: Long.fromNumber(total) } },
    wireTestServer: { documentsExamined: Object.fromEntries(examinedTotals) },
    ok: 1,
  };
}

export const handshakeCommands: Record<string, CommandDefinition> = {
  hello: handshake,
  isMaster: handshake,
  ismaster: handshake,
  ping: { options: [], run: () => ({ ok: 1 }) },
  buildInfo: { options: [], run: buildInfo },
  buildinfo: { options: [], run: buildInfo },
  getParameter: { options: "any", run: getParameter },
  serverStatus: { options: "any", run: serverStatus },
};
