/** Shared tools of the reliability fault scenarios: raw deliveries, answers, and consistency checks. */
import { slackEventsPath } from "../../../src/app/http-server.js";
import { collections } from "../../../src/db/collections.js";
import { type Harness, signingSecret } from "../../support/app-harness.js";
import { moneyOf, poolOf } from "../../support/money-helpers.js";
import type { RecordedResponse } from "../../support/slack/fake-slack-api.js";
import {
  formContentType,
  type PostSignedOptions,
  postSigned,
  slashCommandBody,
} from "../../support/slack/sign-request.js";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

/** POSTs a raw body to the app's Slack endpoint, signed like Slack (or not, per `options`). */
export function deliverRaw(
  harness: Harness,
  rawBody: string,
  options: PostSignedOptions & { contentType?: string; secret?: string } = {},
) {
  const { contentType = formContentType, secret = signingSecret, ...signOptions } = options;
  return postSigned(
    `${harness.baseUrl}${slackEventsPath}`,
    secret,
    rawBody,
    contentType,
    signOptions,
  );
}

/** A `/customer TEXT` body with a fixed trigger_id and response_url, so it can be re-sent as is. */
export function commandDelivery(harness: Harness, userId: string, text: string, tag: string) {
  const responseUrl = harness.slack.responseUrl();
  const triggerId = `${Date.now()}.${Math.floor(Math.random() * 1e9)}.${tag}`;
  const body = slashCommandBody({
    text,
    user_id: userId,
    response_url: responseUrl,
    trigger_id: triggerId,
  });
  return { body, responseUrl, triggerId };
}

/** Runs `/customer TEXT` and waits (longer than `ask` does) for the app's first answer. */
export async function answerTo(
  harness: Harness,
  userId: string,
  text: string,
  timeoutMs = 15_000,
): Promise<RecordedResponse> {
  const { status, responseUrl } = await harness.command(userId, text);
  if (status !== 200) throw new Error(`/customer ${text} answered HTTP ${status}`);
  return harness.slack.waitForResponse(responseUrl, undefined, timeoutMs);
}

/** Text of an answer: its `text` and every text object in its blocks. */
export function answerText(answer: { body: Record<string, unknown> }): string {
  return `${String(answer.body.text ?? "")}\n${JSON.stringify(answer.body.blocks ?? [])}`;
}

/** Every document of every collection, as canonical JSON per collection (for "nothing changed"). */
export { everyDocument as snapshotDatabase } from "../../support/mongo/transaction-faults.js";

/** Names the collections whose documents differ between two snapshots. */
export function changedCollections(
  before: Record<string, string[]>,
  after: Record<string, string[]>,
): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter(
    (name) => JSON.stringify(before[name] ?? []) !== JSON.stringify(after[name] ?? []),
  );
}

/** Problems with a customer's money: stored values that differ from what their ledger adds up to, or below zero. */
export async function moneyProblems(harness: Harness, customerId: string): Promise<string[]> {
  const money = await moneyOf(harness, customerId);
  const problems: string[] = [];
  if (money.balance !== money.ledgerBalance)
    problems.push(`${customerId}: balance ${money.balance} ≠ ledger ${money.ledgerBalance}`);
  if (money.credits !== money.ledgerCredits)
    problems.push(`${customerId}: credits ${money.credits} ≠ ledger ${money.ledgerCredits}`);
  if (money.balance < 0) problems.push(`${customerId}: balance ${money.balance} < 0`);
  if (money.credits < 0) problems.push(`${customerId}: credits ${money.credits} < 0`);
  const keys = await harness.db
    .collection(collections.ledgerEntries)
    .aggregate([
      { $match: { customerId } },
      { $group: { _id: "$idempotencyKey", n: { $sum: 1 } } },
      { $match: { n: { $gt: 1 } } },
    ])
    .toArray();
  for (const key of keys) problems.push(`${customerId}: key ${key._id} applied ${key.n} times`);
  return problems;
}

/** Problems with the credit pool: left below zero, total ≠ granted + left, granted ≠ Σ credits. */
export async function poolProblems(harness: Harness): Promise<string[]> {
  const pool = await poolOf(harness);
  const problems: string[] = [];
  if (pool.left < 0) problems.push(`pool left ${pool.left} < 0`);
  if (pool.total !== pool.granted + pool.left)
    problems.push(`pool total ${pool.total} ≠ granted ${pool.granted} + left ${pool.left}`);
  const [credits] = await harness.db
    .collection(collections.customers)
    .aggregate([{ $group: { _id: null, sum: { $sum: "$credits" } } }])
    .toArray();
  const granted = Number(credits?.sum ?? 0);
  if (granted !== pool.granted)
    problems.push(`pool granted ${pool.granted} ≠ customers' credits ${granted}`);
  return problems;
}

/** Counts audit events matching `filter`. */
export function auditCount(harness: Harness, filter: Record<string, unknown>): Promise<number> {
  return harness.db.collection(collections.auditEvents).countDocuments(filter);
}
