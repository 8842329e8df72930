/**
 * An in-process MongoDB wire-protocol server for tests: the real `mongodb` driver connects to it
 * over TCP as to the primary of a one-node replica set. Data lives in memory.
 */
import { createServer, type Server, type Socket } from "node:net";
import { ObjectId } from "bson";
import { LogicalClock } from "./clock.js";
import type { ServerIdentity } from "./commands/types.js";
import { WireConnection } from "./connection.js";
import { CursorRegistry } from "./cursors.js";
import { Dispatcher } from "./dispatcher.js";
import { FailPoints } from "./fail-points.js";
import { Store } from "./store.js";
import { TransactionManager } from "./transactions.js";

export interface WireServer {
  readonly uri: string; // e.g. "mongodb://127.0.0.1:40123/?replicaSet=rs0"
  readonly port: number;
  /** Close the listener and every open connection; data is kept. */
  suspend(): Promise<void>;
  /** Listen again on the same port with the same data. */
  resume(): Promise<void>;
  /** Destroy every open client connection (listener stays up). */
  dropConnections(): void;
  /** Stop for good. */
  stop(): Promise<void>;
  /** Number of commands served so far, by command name (for diagnostics). */
  commandCounts(): Record<string, number>;
  /** Documents examined so far (read from a collection or through an index), by command name. */
  documentsExamined(): Record<string, number>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host }, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startWireServer(
  options: { port?: number; host?: string; setName?: string } = {},
): Promise<WireServer> {
  const host = options.host ?? "127.0.0.1";
  const identity: ServerIdentity = {
    host,
    port: 0,
    setName: options.setName ?? "rs0",
    electionId: new ObjectId("7fffffff0000000000000001"),
  };
  const cursors = new CursorRegistry();
  const clock = new LogicalClock();
  const store = new Store(clock);
  const transactions = new TransactionManager(store);
  const failPoints = new FailPoints();
  const dispatcher = new Dispatcher({ store, cursors, transactions, identity, failPoints, clock });
  const connections = new Set<WireConnection>();
  let nextConnectionId = 1;

  const accept = (socket: Socket) => {
    const connection = new WireConnection(socket, nextConnectionId++, dispatcher);
    connections.add(connection);
    socket.on("close", () => connections.delete(connection));
  };
  const dropConnections = () => {
    for (const connection of connections) connection.destroy();
  };

  let listener: Server | undefined = createServer(accept);
  identity.port = await listen(listener, options.port ?? 0, host);
  const hostInUri = host.includes(":") ? `[${host}]` : host;
  let stopped = false;

  const suspend = async () => {
    const current = listener;
    if (!current) return;
    listener = undefined;
    const closing = close(current);
    dropConnections();
    await closing;
    // Give in-process clients a moment to see their sockets close; a driver that writes to a
    // half-closed socket gets a raw EPIPE, which it does not retry.
    await new Promise((resolve) => setTimeout(resolve, 10));
    // Like a mongod restart: open transactions and cursors do not survive.
    transactions.abortAll();
    cursors.clear();
    failPoints.clear();
  };

  return {
    uri: `mongodb://${hostInUri}:${identity.port}/?replicaSet=${encodeURIComponent(identity.setName)}`,
    port: identity.port,
    suspend,
    resume: async () => {
      if (stopped) throw new Error("the test wire server was stopped");
      if (listener) return;
      const next = createServer(accept);
      await listen(next, identity.port, host);
      listener = next;
    },
    dropConnections,
    stop: async () => {
      stopped = true;
      await suspend();
    },
    commandCounts: () => dispatcher.commandCounts(),
    documentsExamined: () => dispatcher.documentsExamined(),
  };
}
