import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "../logging/logger.js";
import type { AppMetrics } from "./metrics.js";

export const slackEventsPath = "/slack/events";
const maxClockSkewSeconds = 5 * 60;

/** Slack's largest payloads (view submissions) are far smaller; a bigger body is refused. */
export const maxRequestBodyBytes = 1024 * 1024;

/** What one client can hold of the server: body size, time to send a request, connections. */
export interface RequestLimits {
  maxBodyBytes: number;
  /** Headers and body must both have arrived within this time, or the connection is dropped. */
  requestTimeoutMs: number;
  maxConnections: number;
}

export const productionRequestLimits: RequestLimits = {
  maxBodyBytes: maxRequestBodyBytes,
  requestTimeoutMs: 10_000,
  maxConnections: 1000,
};

export interface HttpServerOptions {
  /** Bolt's HTTPReceiver request listener: verifies the signature and dispatches. */
  slackListener: (req: IncomingMessage, res: ServerResponse) => void;
  isReady: () => Promise<boolean>;
  isClosing: () => boolean;
  /** Served as Prometheus text at `GET /metrics`. */
  metrics: Pick<AppMetrics, "text" | "contentType">;
  logger: Logger;
  now?: () => number;
  /** Defaults to `productionRequestLimits`; tests shorten the timeout. */
  limits?: Partial<RequestLimits>;
}

function send(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/**
 * Rejects a Slack request whose timestamp is missing or more than five minutes off in either
 * direction before anything reads it (Bolt itself only rejects old ones); Bolt then checks the
 * signature over the body.
 */
function timestampProblem(req: IncomingMessage, nowMs: number): string | null {
  const header = req.headers["x-slack-request-timestamp"];
  const signature = req.headers["x-slack-signature"];
  if (typeof header !== "string" || typeof signature !== "string")
    return "missing signature headers";
  const seconds = Number(header);
  if (!Number.isInteger(seconds)) return "malformed timestamp";
  if (Math.abs(nowMs / 1000 - seconds) > maxClockSkewSeconds)
    return "timestamp more than 5 minutes off";
  return null;
}

/** Too large as soon as `Content-Length` says so, before a byte of the body is read. */
function declaresTooLarge(req: IncomingMessage, maxBytes: number): boolean {
  const declared = req.headers["content-length"];
  return declared !== undefined && !(Number(declared) <= maxBytes);
}

/**
 * Buffers the body, counting bytes as they arrive: one that grows past `maxBytes` (chunked, or
 * longer than its `Content-Length` said) stops being kept and resolves "too large".
 */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | "too large" | "gone"> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: Buffer | "too large" | "gone") => {
      req.off("data", onData).off("end", onEnd).off("close", onGone).off("error", onGone);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) finish("too large");
      else chunks.push(chunk);
    };
    const onEnd = () => finish(Buffer.concat(chunks, size));
    const onGone = () => finish("gone");
    req.on("data", onData).on("end", onEnd).on("close", onGone).on("error", onGone);
  });
}

/** Answers 413 and closes the connection, so the rest of the body is never read. */
function refuseTooLarge(res: ServerResponse, maxBytes: number): void {
  res
    .writeHead(413, { "content-type": "application/json", connection: "close" })
    .end(JSON.stringify({ error: `request body over ${maxBytes} bytes` }));
}

/**
 * Hands Bolt's HTTPReceiver a body already read within the limit: it takes `rawBody` (its
 * `BufferedIncomingMessage`) instead of reading the stream itself.
 */
async function passToSlack(
  req: IncomingMessage,
  res: ServerResponse,
  options: HttpServerOptions,
  maxBytes: number,
): Promise<void> {
  const body = await readBody(req, maxBytes);
  if (body === "gone") return;
  if (body === "too large") {
    options.logger.warn({ maxBytes }, "refused a Slack request whose body grew past the limit");
    return refuseTooLarge(res, maxBytes);
  }
  options.slackListener(Object.assign(req, { rawBody: body }), res);
}

function sendMetrics(res: ServerResponse, options: HttpServerOptions): void {
  options.metrics.text().then(
    (text) => res.writeHead(200, { "content-type": options.metrics.contentType }).end(text),
    (error: unknown) => {
      options.logger.error({ err: error }, "could not collect the metrics");
      send(res, 500, { error: "metrics unavailable" });
    },
  );
}

/** The HTTP front door: health probes and metrics, then Slack's requests handed to Bolt. */
export function createHttpServer(options: HttpServerOptions): Server {
  const now = options.now ?? Date.now;
  const limits = { ...productionRequestLimits, ...options.limits };
  const server = createServer(
    {
      headersTimeout: limits.requestTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Node checks the two timeouts only this often (30 s by default).
      connectionsCheckingInterval: Math.ceil(limits.requestTimeoutMs / 10),
    },
    (req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      if (req.method === "GET" && path === "/healthz") return send(res, 200, { status: "ok" });
      if (req.method === "GET" && path === "/readyz") {
        options.isReady().then(
          (ready) =>
            send(res, ready ? 200 : 503, { status: ready ? "ready" : "database unreachable" }),
          () => send(res, 503, { status: "database unreachable" }),
        );
        return;
      }
      if (req.method === "GET" && path === "/metrics") return sendMetrics(res, options);
      if (req.method === "POST" && path === slackEventsPath) {
        if (options.isClosing()) return send(res, 503, { error: "shutting down" });
        if (declaresTooLarge(req, limits.maxBodyBytes)) {
          options.logger.warn(
            { contentLength: req.headers["content-length"] },
            "refused a Slack request whose Content-Length is over the limit",
          );
          return refuseTooLarge(res, limits.maxBodyBytes);
        }
        const problem = timestampProblem(req, now());
        if (problem) {
          options.logger.warn({ problem }, "rejected a Slack request before reading it");
          return send(res, 401, { error: "invalid request signature" });
        }
        void passToSlack(req, res, options, limits.maxBodyBytes);
        return;
      }
      send(res, 404, { error: "not found" });
    },
  );
  server.maxConnections = limits.maxConnections;
  return server;
}
