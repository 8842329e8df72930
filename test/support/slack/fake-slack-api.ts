/**
 * A local stand-in for Slack's Web API and response_urls: records what the app sends, answers like
 * Slack, misbehaves on demand (fault rules: 429, HTTP errors, platform errors, hangs, delays), and
 * checks every message and view against the Block Kit limits.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { blockKitViolations, type Surface } from "./block-kit-limits.js";
import {
  type Fault,
  type FaultHandle,
  type FaultHit,
  type FaultRule,
  FaultRules,
  faultOf,
  type ScriptedFailure,
} from "./fake-slack-faults.js";
import { FakeWorkspace, METHODS } from "./fake-slack-methods.js";
import { LateAnswers } from "./late-answers.js";
import { Recording } from "./recording.js";

export type {
  Fault,
  FaultHandle,
  FaultRule,
  FaultSchedule,
  ScriptedFailure,
} from "./fake-slack-faults.js";

/** Every call is recorded when it arrives, with the fault applied to it, if any. */
export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  token?: string;
  at: number;
  fault?: Fault;
}

/** A post to a response_url. */
export interface RecordedResponse {
  path: string;
  body: Record<string, unknown>;
  at: number;
  fault?: Fault;
}

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
  /**
   * Adds a fault rule; rules are tried in the order added and the first that hits a call applies.
   * e.g. `addFault({ method: "chat.postMessage", channel: "C123", when: { every: 3 },
   * fault: { kind: "ratelimited", retryAfterSeconds: 1 } })`.
   */
  addFault(rule: FaultRule): FaultHandle;
  /** Ends every fault rule, releasing the calls they hold hung. */
  clearFaults(): void;
  /**
   * The next `times` calls to `method` (or posts to any response_url, for "response_url") fail:
   * shorthand for `addFault({ method, times, fault })`.
   */
  failNext(method: string, failure: ScriptedFailure, times?: number): void;
  /**
   * Per channel, the chat.postMessage and chat.update calls Slack processed and answered ok, in
   * the order it processed them (a delayed call counts when it is answered, even if the client
   * gave up; a dropped hang never counts).
   */
  deliveredMessages(): Record<string, RecordedCall[]>;
  /** The Home tab the user sees now: the view of the last views.publish accepted for them (with `hash`, refused with `hash_conflict` if that is not the current Home's). */
  homeView(userId: string): Record<string, unknown> | undefined;
  setUsergroupMembers(usergroupId: string, userIds: string[]): void;
  setSocketModeUrl(url: string): void;
  readonly limitViolations: { method: string; violations: string[] }[];
  /**
   * Clears calls, deliveries, responses, fault rules and violations, dropping calls still hung or
   * delayed; keeps configured members and URLs.
   */
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
const DELIVERY_METHODS = new Set(["chat.postMessage", "chat.update"]);

type Json = Record<string, unknown>;

export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  const workspace = new FakeWorkspace();
  const calls = new Recording<RecordedCall>((c) => c.method);
  const responses = new Recording<RecordedResponse>((r) => r.path);
  const faults = new FaultRules();
  const lateAnswers = new LateAnswers();
  const delivered: RecordedCall[] = [];
  const limitViolations: { method: string; violations: string[] }[] = [];
  let responseUrlCount = 0;

  const checkLimits = (method: string, surface: Surface, payload: unknown) => {
    if (typeof payload !== "object" || payload === null) return;
    const violations = blockKitViolations(surface, payload);
    if (violations.length > 0) limitViolations.push({ method, violations });
  };

  /** Answers now, or late, or never, or with an error, as the rule's fault says. */
  const respond = (
    hit: FaultHit | undefined,
    res: ServerResponse,
    answer: () => void,
    errorStatus: number,
  ) => {
    if (hit === undefined) return answer();
    const { fault } = hit;
    if (fault.kind === "delay") return lateAnswers.add(res, answer).answerAfter(fault.ms);
    if (fault.kind === "hang") {
      const late = lateAnswers.add(res, answer);
      return hit.untilCleared(fault.onClear === "answer" ? late.answer : late.drop);
    }
    sendFault(res, fault, errorStatus);
  };

  const handleApiCall = (
    method: string,
    req: IncomingMessage,
    raw: string,
    res: ServerResponse,
  ) => {
    const { token: bodyToken, ...args } = parseBody(raw, req.headers["content-type"]);
    const token = bearerToken(req.headers.authorization) ?? stringOrUndefined(bodyToken);
    const hit = faults.hitFor(method, stringOrUndefined(args.channel));
    const call: RecordedCall = {
      method,
      args,
      ...(token === undefined ? {} : { token }),
      at: Date.now(),
      ...(hit ? { fault: hit.fault } : {}),
    };
    calls.add(call);

    if (MESSAGE_METHODS.has(method)) checkLimits(method, "message", args);
    if (VIEW_METHODS.has(method)) checkLimits(method, viewSurface(method, args.view), args.view);

    respond(
      hit,
      res,
      () => {
        const handler = METHODS[method];
        const answer = handler ? handler(args, workspace) : { ok: false, error: "unknown_method" };
        if (answer.ok === true && DELIVERY_METHODS.has(method)) delivered.push(call);
        sendJson(res, 200, answer);
      },
      200,
    );
  };

  const handleResponseUrl = (path: string, raw: string, res: ServerResponse) => {
    const body = parseJsonObject(raw);
    const hit = faults.hitFor(RESPONSE_URL_METHOD, undefined);
    responses.add({ path, body, at: Date.now(), ...(hit ? { fault: hit.fault } : {}) });
    checkLimits(RESPONSE_URL_METHOD, "message", body);
    respond(hit, res, () => res.writeHead(200, { "content-type": "text/plain" }).end("ok"), 404);
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
    addFault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    failNext(method, failure, times = 1) {
      faults.add({ method, times, fault: faultOf(failure) });
    },
    deliveredMessages() {
      const byChannel: Record<string, RecordedCall[]> = {};
      for (const call of delivered) {
        const channel = String(call.args.channel);
        byChannel[channel] = [...(byChannel[channel] ?? []), call];
      }
      return byChannel;
    },
    homeView: (userId) => workspace.homes.get(userId),
    setUsergroupMembers(usergroupId, userIds) {
      workspace.usergroupMembers.set(usergroupId, [...userIds]);
    },
    setSocketModeUrl(url) {
      workspace.socketModeUrl = url;
    },
    limitViolations,
    reset() {
      lateAnswers.dropAll();
      faults.clear();
      calls.clear();
      delivered.length = 0;
      responses.clear();
      limitViolations.length = 0;
    },
    async stop() {
      lateAnswers.dropAll();
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

type ErrorFault = Exclude<Fault, { kind: "hang" | "delay" }>;

function sendFault(res: ServerResponse, fault: ErrorFault, errorStatus: number): void {
  switch (fault.kind) {
    case "http":
      res.writeHead(fault.status, { "content-type": "text/plain" }).end("scripted failure");
      return;
    case "ratelimited":
      res.setHeader("retry-after", String(fault.retryAfterSeconds));
      sendJson(res, 429, { ok: false, error: "ratelimited" });
      return;
    case "error":
      sendJson(res, errorStatus, { ok: false, error: fault.error });
      return;
    default: {
      const unhandled: never = fault;
      throw new Error(`unhandled fault ${JSON.stringify(unhandled)}`);
    }
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
