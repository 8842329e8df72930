/**
 * Whether everything the app owed Slack arrived exactly once, read from the fake Slack's deliveries
 * and the app's database: one approvals-channel post per stored request, one update (or a post that
 * already shows the outcome) and one requester DM per decided request, one audit-channel line per
 * committed (`done`) audit event in the order they were recorded, no message key delivered twice,
 * nothing left pending.
 */
import type { Db, Document } from "mongodb";
import { auditEventSchema } from "../../../src/audit/audit-event.js";
import { describeAuditEvent } from "../../../src/blocks/audit-line.js";
import { collections } from "../../../src/db/collections.js";
import type { Currency } from "../../../src/money/currency.js";
import type { FakeSlackApi, RecordedCall } from "../../support/slack/fake-slack-api.js";

export interface OwedDeliveryReport {
  approvals: number;
  decided: number;
  approvalPosts: number;
  approvalUpdates: number;
  dms: number;
  auditEvents: number;
  auditLines: number;
  auditMessages: number;
  /** How far back in recorded time the audit channel ever went from one line to a later one. */
  auditInversionMs: number;
  outboxEntries: number;
  problems: string[];
}

export interface OwedDeliveryOptions {
  approvalsChannel: string;
  auditChannel: string;
  currency: Currency;
  /** How far out of recorded order audit lines may show (default 0: exactly in order). */
  orderToleranceMs?: number;
}

/** The outbox key a post carried in its metadata. */
export function outboxKeyOf(call: RecordedCall): string | undefined {
  const metadata = call.args.metadata as { event_payload?: { outbox_key?: unknown } } | undefined;
  const key = metadata?.event_payload?.outbox_key;
  return typeof key === "string" ? key : undefined;
}

/** Whether a message still has its Approve/Reject buttons (an actions block). */
export function hasButtons(blocks: unknown): boolean {
  return (
    Array.isArray(blocks) && blocks.some((block) => (block as { type?: string }).type === "actions")
  );
}

/** The key the entry's message was (or will be) posted with: its batch's, or its own ID. */
const keyOfEntry = (entry: Document | undefined) =>
  entry ? String(entry.batch ?? entry._id.toHexString()) : undefined;

export async function owedDeliveryReport(
  db: Db,
  slack: FakeSlackApi,
  options: OwedDeliveryOptions,
): Promise<OwedDeliveryReport> {
  const problems: string[] = [];
  const delivered = slack.deliveredMessages();
  const posts = Object.values(delivered)
    .flat()
    .filter((call) => call.method === "chat.postMessage");

  const keys = new Map<string, number>();
  for (const post of posts) {
    const key = outboxKeyOf(post);
    if (!key) problems.push(`a post to ${post.args.channel} without an outbox key`);
    else keys.set(key, (keys.get(key) ?? 0) + 1);
  }
  for (const [key, n] of keys) if (n > 1) problems.push(`outbox key ${key} delivered ${n} times`);

  const entries = await db.collection(collections.outbox).find({}).toArray();
  const undelivered = entries.filter((entry) => entry.state !== "delivered");
  if (undelivered.length > 0)
    problems.push(
      `${undelivered.length} outbox entries not delivered (${[...new Set(undelivered.map((entry) => `${entry.state}:${entry.owed?.kind}`))].join(", ")})`,
    );
  const entryFor = (kind: string, approvalId: string) =>
    entries.find((entry) => entry.owed?.kind === kind && entry.owed?.approvalId === approvalId);

  const channelCalls = delivered[options.approvalsChannel] ?? [];
  // Requests' own posts: replies in their threads (reminders, expiries) are not among them.
  const approvalPosts = channelCalls.filter(
    (call) => call.method === "chat.postMessage" && call.args.thread_ts === undefined,
  );
  const approvalUpdates = channelCalls.filter((call) => call.method === "chat.update");
  const approvals = await db.collection(collections.approvals).find({}).toArray();
  const decidedBy = new Map<string, number>();
  let decided = 0;
  for (const approval of approvals) {
    const id = approval._id.toHexString();
    const postKey = keyOfEntry(entryFor("approval.post", id));
    const itsPosts = approvalPosts.filter((call) => outboxKeyOf(call) === postKey);
    if (itsPosts.length !== 1) problems.push(`request ${id}: ${itsPosts.length} posts`);
    const ts = approval.message?.ts as string | undefined;
    if (!ts) problems.push(`request ${id}: no message ts stored`);
    if (approval.state === "pending") continue;
    decided += 1;
    decidedBy.set(approval.requestedBy, (decidedBy.get(approval.requestedBy) ?? 0) + 1);
    const updates = approvalUpdates.filter((call) => ts !== undefined && call.args.ts === ts);
    const post = itsPosts[0];
    if (updates.length > 1) problems.push(`request ${id}: updated ${updates.length} times`);
    if (updates.length === 0 && hasButtons(post?.args.blocks))
      problems.push(`request ${id} (${approval.state}): never updated, its post has buttons`);
    const last = updates.at(-1) ?? post;
    if (last && hasButtons(last.args.blocks))
      problems.push(`request ${id} (${approval.state}): its message still has buttons`);
    const dmKey = keyOfEntry(entryFor("approval.dm", id));
    const dms = (delivered[approval.requestedBy] ?? []).filter(
      (call) => outboxKeyOf(call) === dmKey,
    );
    if (dms.length !== 1) problems.push(`request ${id}: ${dms.length} DMs to its requester`);
  }
  if (approvalPosts.length !== approvals.length)
    problems.push(`${approvalPosts.length} approval posts for ${approvals.length} stored requests`);
  let dms = 0;
  for (const [requester, n] of decidedBy) {
    const got = (delivered[requester] ?? []).filter(
      (call) => call.method === "chat.postMessage",
    ).length;
    dms += got;
    if (got !== n) problems.push(`${requester}: ${got} DMs for ${n} decided requests`);
  }

  const auditMessages = (delivered[options.auditChannel] ?? []).filter(
    (call) => call.method === "chat.postMessage",
  );
  const lines = auditMessages.flatMap((call) => String(call.args.text).split("\n"));
  const events = await db
    .collection(collections.auditEvents)
    .find({ outcome: "done" }, { sort: { at: 1, _id: 1 }, projection: { _id: 0 } })
    .toArray();
  const recorded = events.map((document) => {
    const event = auditEventSchema.parse(document);
    return {
      line: describeAuditEvent(event, options.currency, { withTime: false }).toString(),
      at: event.at.getTime(),
    };
  });
  const expected = recorded.map((event) => event.line);
  const missing = countDifference(expected, lines);
  const extra = countDifference(lines, expected);
  if (missing.length > 0)
    problems.push(`${missing.length} audit lines missing, e.g. “${missing[0]}”`);
  if (extra.length > 0)
    problems.push(`${extra.length} audit lines extra or doubled, e.g. “${extra[0]}”`);
  // In the order recorded: no line shows after one whose event was recorded later — except, with
  // `orderToleranceMs`, by less than that: an event's time is taken before its transaction commits,
  // so when the channel is not backed up a change that commits late is posted after a later one.
  let inversionMs = 0;
  if (missing.length === 0 && extra.length === 0) {
    const timesOf = new Map<string, number[]>();
    for (const event of recorded)
      timesOf.set(event.line, [...(timesOf.get(event.line) ?? []), event.at]);
    let latest = Number.NEGATIVE_INFINITY;
    let worst = -1;
    for (const [i, line] of lines.entries()) {
      const time = timesOf.get(line)?.shift() ?? 0;
      if (latest - time > inversionMs) {
        inversionMs = latest - time;
        worst = i;
      }
      latest = Math.max(latest, time);
    }
    if (inversionMs > (options.orderToleranceMs ?? 0))
      problems.push(
        `audit line ${worst + 1} (“${lines[worst]}”) shows ${inversionMs} ms out of recorded order`,
      );
  }

  return {
    approvals: approvals.length,
    decided,
    approvalPosts: approvalPosts.length,
    approvalUpdates: approvalUpdates.length,
    dms,
    auditEvents: events.length,
    auditLines: lines.length,
    auditMessages: auditMessages.length,
    auditInversionMs: inversionMs,
    outboxEntries: entries.length,
    problems,
  };
}

/** Items of `from` left after taking out one of `minus` for each occurrence there. */
function countDifference(from: string[], minus: string[]): string[] {
  const counts = new Map<string, number>();
  for (const item of minus) counts.set(item, (counts.get(item) ?? 0) + 1);
  const left: string[] = [];
  for (const item of from) {
    const n = counts.get(item) ?? 0;
    if (n > 0) counts.set(item, n - 1);
    else left.push(item);
  }
  return left;
}

export function describeDeliveries(report: OwedDeliveryReport): string {
  return `${report.approvals} requests (${report.decided} decided): ${report.approvalPosts} posts, ${report.approvalUpdates} updates, ${report.dms} DMs; ${report.auditEvents} done audit events: ${report.auditLines} lines in ${report.auditMessages} messages (most out of recorded order: ${report.auditInversionMs} ms); ${report.outboxEntries} outbox entries; ${report.problems.length ? report.problems.slice(0, 6).join("; ") : "each exactly once, in order"}`;
}
