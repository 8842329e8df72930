/**
 * A local stand-in for Slack's Web API and response_urls: records what the app sends, answers like
 * Slack, fails on demand, and checks every message and view against the Block Kit limits.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { blockKitViolations, type Surface } from "./block-kit-limits.js";
import { FakeWorkspace, METHODS } from "./fake-slack-methods.js";
import { Recording } from "./recording.js";

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  token?: string;
  at: number;
}

/** A post to a response_url. */
export interface RecordedResponse {
  path: string;
  body: Record<string, unknown>;
  at: number;
}

/**
 * `{ error }` answers `{ok:false, error}` with HTTP 200 (HTTP 404 on a response_url, like an expired
 * one); adding `retryAfterSeconds` makes it HTTP 429 with a Retry-After header. `{ httpStatus }`
 * answers that status with a plain-text body.
 */
export type ScriptedFailure =
  | { error: string; retryAfterSeconds?: number }
  | { httpStatus: number };

export interface FakeSlackApi {
  /** Base URL for WebClient's `slackApiUrl`, ending in "/api/". */
  readonly apiUrl: string;
  /** A fresh URL on this server that records what is posted to it. */
  responseUrl(id?: string): string;
  readonly calls: RecordedCall[];
  callsTo(method: string): RecordedCall[];
  responsesTo(url: string): RecordedResponse[];
  /**
   * Resolves with the first matching call not already returned by an earlier waitForCall,
   * including calls recorded before the wait started.
   */
  waitForCall(
    method: string,
    predicate?: (c: RecordedCall) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedCall>;
  /** Like waitForCall, for posts to a response_url. */
  waitForResponse(
    url: string,
    predicate?: (r: RecordedResponse) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedResponse>;
  /** The next `times` calls to `method` (or posts to any response_url, for "response_url") fail. */
  failNext(method: string, failure: ScriptedFailure, times?: number): void;
  setUsergroupMembers(usergroupId: string, userIds: string[]): void;
  setSocketModeUrl(url: string): void;
  readonly limitViolations: { method: string; violations: string[] }[];
  /** Clears calls, responses, scripted failures and violations; keeps configured members and URLs. */
  reset(): void;
  stop(): Promise<void>;
}

const DEFAULT_WAIT_MS = 2000;
const RESPONSE_URL_METHOD = "response_url";
/** Arguments WebClient sends as JSON strings inside a form body. */
const JSON_ARGS = new Set([
  "blocks",
  "attachments",
  "view",
  "metadata",
  "unfurls",
  "user_auth_blocks",
]);
const MESSAGE_METHODS = new Set([
  "chat.postMessage",
  "chat.postEphemeral",
  "chat.update",
  "chat.scheduleMessage",
]);
const VIEW_METHODS = new Set(["views.open", "views.push", "views.update", "views.publish"]);

type Json = Record<string, unknown>;

export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  const workspace = new FakeWorkspace();
  const calls = new Recording<RecordedCall>((c) => c.method);
  const responses = new Recording<RecordedResponse>((r) => r.path);
  const failures = new Map<string, ScriptedFailure[]>();
  const limitViolations: { method: string; violations: string[] }[] = [];
  let responseUrlCount = 0;

  const checkLimits = (method: string, surface: Surface, payload: unknown) => {
    if (typeof payload !== "object" || payload === null) return;
    const violations = blockKitViolations(surface, payload);
    if (violations.length > 0) limitViolations.push({ method, violations });
  };

  const takeFailure = (method: string) => failures.get(method)?.shift();

  const handleApiCall = (
    method: string,
    req: IncomingMessage,
    raw: string,
    res: ServerResponse,
  ) => {
    const { token: bodyToken, ...args } = parseBody(raw, req.headers["content-type"]);
    const token = bearerToken(req.headers.authorization) ?? stringOrUndefined(bodyToken);
    calls.add({ method, args, ...(token === undefined ? {} : { token }), at: Date.now() });

    if (MESSAGE_METHODS.has(method)) checkLimits(method, "message", args);
    if (VIEW_METHODS.has(method)) checkLimits(method, viewSurface(method, args.view), args.view);

    const failure = takeFailure(method);
    if (failure) return sendFailure(res, failure, 200);
    const handler = METHODS[method];
    sendJson(res, 200, handler ? handler(args, workspace) : { ok: false, error: "unknown_method" });
  };

  const handleResponseUrl = (path: string, raw: string, res: ServerResponse) => {
    const body = parseJsonObject(raw);
    responses.add({ path, body, at: Date.now() });
    checkLimits(RESPONSE_URL_METHOD, "message", body);
    const failure = takeFailure(RESPONSE_URL_METHOD);
    if (failure) return sendFailure(res, failure, 404);
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
  };

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    const { pathname } = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method === "POST" && pathname.startsWith("/api/")) {
      handleApiCall(pathname.slice("/api/".length), req, raw, res);
    } else if (req.method === "POST" && pathname.startsWith("/response/")) {
      handleResponseUrl(pathname, raw, res);
    } else {
      res.writeHead(404).end();
    }
  };

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { "content-type": "text/plain" }).end(`fake Slack API: ${error}`);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl: `${base}/api/`,
    responseUrl(id) {
      responseUrlCount += 1;
      return `${base}/response/${encodeURIComponent(id ?? `r${responseUrlCount}`)}`;
    },
    calls: calls.items,
    callsTo: (method) => calls.items.filter((c) => c.method === method),
    responsesTo: (url) => responses.items.filter((r) => r.path === pathOf(url)),
    waitForCall: (method, predicate = () => true, timeoutMs = DEFAULT_WAIT_MS) =>
      calls.waitFor(`a call to ${method}`, (c) => c.method === method && predicate(c), timeoutMs),
    waitForResponse: (url, predicate = () => true, timeoutMs = DEFAULT_WAIT_MS) =>
      responses.waitFor(
        `a post to ${url}`,
        (r) => r.path === pathOf(url) && predicate(r),
        timeoutMs,
      ),
    failNext(method, failure, times = 1) {
      const queue = failures.get(method) ?? [];
      failures.set(method, [...queue, ...Array.from({ length: times }, () => failure)]);
    },
    setUsergroupMembers(usergroupId, userIds) {
      workspace.usergroupMembers.set(usergroupId, [...userIds]);
    },
    setSocketModeUrl(url) {
      workspace.socketModeUrl = url;
    },
    limitViolations,
    reset() {
      calls.clear();
      responses.clear();
      failures.clear();
      limitViolations.length = 0;
    },
    async stop() {
      calls.rejectWaiters("fake Slack API stopped");
      responses.rejectWaiters("fake Slack API stopped");
      const closed = once(server, "close");
      server.close();
      // fetch keeps connections alive; without this, close() waits for them to time out.
      server.closeAllConnections();
      await closed;
    },
  };
}

function viewSurface(method: string, view: unknown): Surface {
  const isHome =
    method === "views.publish" ||
    (typeof view === "object" && view !== null && (view as Json).type === "home");
  return isHome ? "home" : "modal";
}

function sendFailure(res: ServerResponse, failure: ScriptedFailure, errorStatus: number): void {
  if ("httpStatus" in failure) {
    res.writeHead(failure.httpStatus, { "content-type": "text/plain" }).end("scripted failure");
  } else if (failure.retryAfterSeconds !== undefined) {
    res.setHeader("retry-after", String(failure.retryAfterSeconds));
    sendJson(res, 429, { ok: false, error: failure.error });
  } else {
    sendJson(res, errorStatus, { ok: false, error: failure.error });
  }
}

function sendJson(res: ServerResponse, status: number, body: Json): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Accepts JSON bodies and WebClient's form bodies, whose nested arguments are JSON strings. */
function parseBody(raw: string, contentType: string | undefined): Json {
  if (contentType?.startsWith("application/json")) return parseJsonObject(raw);
  const args: Json = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = JSON_ARGS.has(key) ? parseJsonOr(value) : value;
  }
  return args;
}

function parseJsonObject(raw: string): Json {
  const parsed = parseJsonOr(raw);
  return typeof parsed === "object" && parsed !== null ? (parsed as Json) : { raw };
}

function parseJsonOr(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer (.+)$/.exec(authorization ?? "");
  return match?.[1];
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function pathOf(url: string): string {
  return new URL(url, "http://127.0.0.1").pathname;
}
