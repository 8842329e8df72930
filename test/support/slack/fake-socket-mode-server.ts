/**
 * Slack's side of Socket Mode: greets a SocketModeClient with "hello", pings it like Slack does,
 * sends it envelopes and hands back its acks. Answers the client's pings with pongs (ws does that).
 */
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import { APP_ID } from "./test-workspace.js";

export type EnvelopeType = "slash_commands" | "interactive" | "events_api";

export interface SocketModeAck {
  envelope_id: string;
  payload?: unknown;
}

export interface FakeSocketModeServer {
  /** ws://127.0.0.1:PORT/socket — give it to the fake API via setSocketModeUrl. */
  readonly url: string;
  /** Resolves once a client is connected and was sent "hello" (at once if one already is). */
  waitForConnection(timeoutMs?: number): Promise<void>;
  /** Sends an envelope to the newest connection and resolves with the client's ack for it. */
  send(
    type: EnvelopeType,
    payload: Record<string, unknown>,
    options?: { retryAttempt?: number },
  ): Promise<SocketModeAck>;
  stop(): Promise<void>;
}

export interface FakeSocketModeServerOptions {
  /** How often to ping each client; Slack pings every few seconds. */
  pingIntervalMs?: number;
}

/** Slack retries an envelope that is not acked within 3 seconds. */
const ACK_DEADLINE_MS = 3000;
const DEFAULT_WAIT_MS = 2000;

export async function startFakeSocketModeServer(
  options: FakeSocketModeServerOptions = {},
): Promise<FakeSocketModeServer> {
  const pingIntervalMs = options.pingIntervalMs ?? 5000;
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, path: "/socket" });
  await once(server, "listening");
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/socket`;

  const open = new Set<WebSocket>();
  const connectionWaiters = new Set<() => void>();
  const pendingAcks = new Map<string, (ack: SocketModeAck) => void>();

  server.on("connection", (socket) => {
    const pinger = setInterval(() => socket.ping(), pingIntervalMs);
    socket.on("message", (data) => {
      const ack = parseAck(String(data));
      if (ack) pendingAcks.get(ack.envelope_id)?.(ack);
    });
    socket.on("close", () => {
      clearInterval(pinger);
      open.delete(socket);
    });
    socket.send(JSON.stringify(hello()));
    open.add(socket);
    for (const notify of connectionWaiters) notify();
    connectionWaiters.clear();
  });

  const newestConnection = () =>
    [...open].filter((socket) => socket.readyState === socket.OPEN).at(-1);

  return {
    url,
    waitForConnection(timeoutMs = DEFAULT_WAIT_MS) {
      if (newestConnection()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          connectionWaiters.delete(connected);
          reject(new Error(`No Socket Mode client connected within ${timeoutMs}ms`));
        }, timeoutMs);
        const connected = () => {
          clearTimeout(timer);
          resolve();
        };
        connectionWaiters.add(connected);
      });
    },
    send(type, payload, sendOptions = {}) {
      const socket = newestConnection();
      if (!socket) return Promise.reject(new Error("No Socket Mode client is connected"));
      const retryAttempt = sendOptions.retryAttempt ?? 0;
      const envelope = {
        envelope_id: randomUUID(),
        type,
        payload,
        accepts_response_payload: type !== "events_api",
        retry_attempt: retryAttempt,
        retry_reason: retryAttempt > 0 ? "timeout" : "",
      };
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pendingAcks.delete(envelope.envelope_id);
          reject(new Error(`No ack for ${type} envelope within ${ACK_DEADLINE_MS}ms`));
        }, ACK_DEADLINE_MS);
        pendingAcks.set(envelope.envelope_id, (ack) => {
          clearTimeout(timer);
          pendingAcks.delete(envelope.envelope_id);
          resolve(ack);
        });
        socket.send(JSON.stringify(envelope));
      });
    },
    async stop() {
      for (const socket of open) socket.terminate();
      const closed = once(server, "close");
      server.close();
      await closed;
    },
  };
}

function hello(): Record<string, unknown> {
  return {
    type: "hello",
    num_connections: 1,
    debug_info: {
      host: "applink-fake",
      build_number: 1,
      approximate_connection_time: 18_060,
    },
    connection_info: { app_id: APP_ID },
  };
}

function parseAck(data: string): SocketModeAck | undefined {
  try {
    const message = JSON.parse(data) as Partial<SocketModeAck>;
    return typeof message.envelope_id === "string" ? (message as SocketModeAck) : undefined;
  } catch {
    return undefined;
  }
}
