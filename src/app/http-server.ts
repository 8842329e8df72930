import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "../logging/logger.js";

export const slackEventsPath = "/slack/events";
const maxClockSkewSeconds = 5 * 60;

export interface HttpServerOptions {
  /** Bolt's HTTPReceiver request listener: verifies the signature and dispatches. */
  slackListener: (req: IncomingMessage, res: ServerResponse) => void;
  isReady: () => Promise<boolean>;
  isClosing: () => boolean;
  logger: Logger;
  now?: () => number;
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

/** The HTTP front door: health probes, then Slack's requests handed to Bolt. */
export function createHttpServer(options: HttpServerOptions): Server {
  const now = options.now ?? Date.now;
  return createServer((req, res) => {
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
    if (req.method === "POST" && path === slackEventsPath) {
      if (options.isClosing()) return send(res, 503, { error: "shutting down" });
      const problem = timestampProblem(req, now());
      if (problem) {
        options.logger.warn({ problem }, "rejected a Slack request before reading it");
        return send(res, 401, { error: "invalid request signature" });
      }
      return options.slackListener(req, res);
    }
    send(res, 404, { error: "not found" });
  });
}
