import { randomBytes } from "node:crypto";
import type { Context } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { Role } from "../auth/roles.js";
import type { Logger } from "../logging/logger.js";
import type { PostAckGate } from "./post-ack-gate.js";

/** How a request ended for the person who sent it (counted for /metrics). */
export type AnswerOutcome = "answered" | "refused" | "error" | "undelivered";

/** What every listener knows about the request it handles, set by the first middleware. */
export interface RequestScope {
  /** Short random ID, in every log line of the request and in "something went wrong (ref: …)". */
  requestId: string;
  log: Logger;
  userId: string | null;
  role: Role | null;
  /** Slack's X-Slack-Retry-Num, when this delivery is a retry. */
  retryNum: number | undefined;
  /** Where work after the ack runs, so acks stay fast when the process is saturated. */
  afterAck: PostAckGate;
  /** Opens and updates modals: its own queue and a 2.5 s bound, so a form never waits behind background calls. */
  modalClient: WebClient;
  /** When the request reached the app (`performance.now()`), for listeners that must ack by a deadline. */
  receivedAt: number;
  /** Counts how the request was answered. */
  countAnswer(outcome: AnswerOutcome): void;
}

const requestIdBytes = 6;
let randomPool = Buffer.alloc(0);
let poolOffset = 0;

/** 8 random base64url characters; random bytes are drawn 256 IDs at a time (one call per request cost ≈ 2% of a `show`). */
export function newRequestId(): string {
  if (poolOffset + requestIdBytes > randomPool.length) {
    randomPool = randomBytes(requestIdBytes * 256);
    poolOffset = 0;
  }
  const id = randomPool.toString("base64url", poolOffset, poolOffset + requestIdBytes);
  poolOffset += requestIdBytes;
  return id;
}

export function scopeOf(context: Context): RequestScope {
  const scope = context.scope as RequestScope | undefined;
  if (!scope) throw new Error("request scope missing: the requestScope middleware must run first");
  return scope;
}

/** Who sent a Slack request and what kind it is, from any payload Bolt hands to middleware. */
export function describeRequest(body: Record<string, unknown>): {
  userId: string | null;
  kind: string;
  name: string;
} {
  const user = body.user as { id?: string } | undefined;
  if (typeof body.command === "string") {
    const word =
      String(body.text ?? "")
        .trim()
        .split(/\s+/)[0] ?? "";
    return {
      userId: (body.user_id as string) ?? null,
      kind: "command",
      name: `${body.command} ${word}`.trim(),
    };
  }
  if (body.type === "block_actions") {
    const [action] = (body.actions as { action_id?: string }[] | undefined) ?? [];
    return { userId: user?.id ?? null, kind: "action", name: action?.action_id ?? "unknown" };
  }
  if (body.type === "view_submission" || body.type === "view_closed") {
    const view = body.view as { callback_id?: string } | undefined;
    return {
      userId: user?.id ?? null,
      kind: String(body.type),
      name: view?.callback_id ?? "unknown",
    };
  }
  if (body.type === "event_callback") {
    const event = body.event as { type?: string; user?: string } | undefined;
    return { userId: event?.user ?? null, kind: "event", name: event?.type ?? "unknown" };
  }
  // Shortcuts (global and message) name themselves by callback_id.
  const name = typeof body.callback_id === "string" ? body.callback_id : "unknown";
  return { userId: user?.id ?? null, kind: String(body.type ?? "unknown"), name };
}
