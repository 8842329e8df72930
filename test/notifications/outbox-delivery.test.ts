/**
 * The outbox end to end: changes made through Slack, messages owed to the fake Slack, delivered by
 * the app's own poster (or two apps' posters sharing one database).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { postedRequest } from "../support/money-helpers.js";
import type { RecordedCall } from "../support/slack/fake-slack-api.js";

const auditChannel = "CAUDIT0001";
const env = { AUDIT_CHANNEL_ID: auditChannel };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const auditPosts = (harness: Harness) => harness.slack.deliveredMessages()[auditChannel] ?? [];
const approvalPosts = (harness: Harness) =>
  harness.slack
    .callsTo("chat.postMessage")
    .filter(
      (call) => call.args.channel === harness.config.approvalsChannelId && call.fault === undefined,
    );
/** Every line the audit channel received, message after message. */
const auditLines = (harness: Harness) =>
  auditPosts(harness).flatMap((call) => String(call.args.text).split("\n"));
const mentions = (call: RecordedCall, text: string) => JSON.stringify(call.args).includes(text);

/** A change that owes one audit line (a balance refill), with `reason` in it. */
async function refill(harness: Harness, customerId: string, reason: string) {
  const answer = await harness.ask(users.support, `balance ${customerId} +1 ${reason}`);
  expect(String(answer.body.text)).toContain("Refilled $1.00");
}

/** A change that owes an approvals-channel post (and an audit line). */
async function requestCredits(harness: Harness, customerId: string) {
  const answer = await harness.ask(users.support, `credits ${customerId} 5 outbox test`);
  expect(JSON.stringify(answer.body)).toContain("Approval requested");
}

describe("with Slack's pacing of one message per second per channel", () => {
  let harness: Harness;
  const customer = aCustomer({ account: "paced@example.com" });
  const requested = aCustomer({ account: "paced.request@example.com" });

  beforeAll(async () => {
    harness = await startHarness({ env, outboxTimings: { laneIntervalMs: 1000 } });
    await insertCustomers(harness.db, [customer, requested]);
    await harness.ask(users.admin, "pool set 1000");
    await harness.outboxDelivered();
  });
  afterAll(() => harness.stop());

  it("audit lines owed one after another are a second apart, and another channel's post is not held back by them", async () => {
    harness.slack.reset();
    const changes = [
      () => refill(harness, customer.customerId, "paced 1"),
      () => refill(harness, customer.customerId, "paced 2"),
      () => requestCredits(harness, requested.customerId),
      () => refill(harness, customer.customerId, "paced 4"),
      () => refill(harness, customer.customerId, "paced 5"),
    ];
    for (const [index, change] of changes.entries()) {
      await change();
      await expect
        .poll(() => auditPosts(harness).length, { timeout: 3000, interval: 10 })
        .toBe(index + 1);
    }

    const times = auditPosts(harness).map((call) => call.at);
    for (let index = 1; index < times.length; index += 1)
      expect((times[index] ?? 0) - (times[index - 1] ?? 0)).toBeGreaterThanOrEqual(950);
    // The request was made just after the second line went out: its approvals-channel post went at
    // once, while its own audit line waited for the audit channel's next turn.
    const [approvalPost] = approvalPosts(harness);
    expect(approvalPost && mentions(approvalPost, requested.account)).toBe(true);
    expect((approvalPost?.at ?? Infinity) - (times[1] ?? 0)).toBeLessThan(700);
    expect(approvalPost?.at ?? Infinity).toBeLessThan((times[2] ?? 0) - 300);
  });
});

describe("the outbox delivering through a misbehaving Slack", () => {
  let harness: Harness;
  const customer = aCustomer({ account: "outboxed@example.com" });
  const requested = [1, 2, 3, 4].map((n) =>
    aCustomer({ account: `outbox.request${n}@example.com` }),
  );

  beforeAll(async () => {
    harness = await startHarness({ env });
    await insertCustomers(harness.db, [customer, ...requested]);
    await harness.ask(users.admin, "pool set 1000");
  });
  afterAll(() => harness.stop());
  beforeEach(async () => {
    // Nothing left over from the last test: no fault, no entry, no lane paused.
    harness.slack.clearFaults();
    await harness.outboxDelivered();
    await harness.db
      .collection<{ _id: string }>(collections.leases)
      .deleteMany({ _id: { $regex: /^outbox:/ } });
    harness.slack.reset();
  });

  it("a 429 with Retry-After 2 in the audit channel pauses only that channel; the line arrives once, after 2 s", async () => {
    const [other] = requested;
    harness.slack.addFault({
      method: "chat.postMessage",
      channel: auditChannel,
      times: 1,
      fault: { kind: "ratelimited", retryAfterSeconds: 2 },
    });

    await refill(harness, customer.customerId, "waited out");
    const refused = await harness.slack.waitForCall(
      "chat.postMessage",
      (call) => call.args.channel === auditChannel && call.fault !== undefined,
    );
    await requestCredits(harness, other?.customerId ?? "");

    const request = await postedRequest(harness, other?.account ?? "");
    expect(request.at - refused.at).toBeLessThan(1500);
    expect(auditPosts(harness)).toEqual([]);
    await harness.outboxDelivered();
    const [first] = auditPosts(harness);
    expect(first?.at ?? 0).toBeGreaterThanOrEqual(refused.at + 1990);
    await sleep(200);
    expect(auditLines(harness).filter((line) => line.includes("_waited out_"))).toHaveLength(1);
  });

  it("30 changes made while the audit channel is rate-limited arrive in 2 messages (20 + 10), every line once, in the order they committed", async () => {
    const limit = harness.slack.addFault({
      method: "chat.postMessage",
      channel: auditChannel,
      fault: { kind: "ratelimited", retryAfterSeconds: 1 },
    });
    const reasons = Array.from(
      { length: 30 },
      (_, n) => `backlog ${String(n + 1).padStart(2, "0")}`,
    );
    for (const reason of reasons) await refill(harness, customer.customerId, reason);
    expect(auditPosts(harness)).toEqual([]);
    expect(limit.hits).toBeGreaterThanOrEqual(1);

    limit.clear();
    await harness.outboxDelivered();
    await sleep(200);

    const messages = auditPosts(harness).map((call) => String(call.args.text).split("\n"));
    expect(messages.map((lines) => lines.length)).toEqual([20, 10]);
    expect(messages.flat().map((line) => /_(backlog \d\d)_$/.exec(line)?.[1])).toEqual(reasons);
  });

  it("a message Slack refuses for good (invalid_blocks) is marked failed and logged, and the next one in its channel is delivered", async () => {
    const [refusedCustomer, nextCustomer] = requested.slice(2);
    // The approvals channel is paused so that both requests wait in it; then Slack refuses the first.
    harness.slack.addFault({
      method: "chat.postMessage",
      channel: harness.config.approvalsChannelId,
      times: 1,
      fault: { kind: "ratelimited", retryAfterSeconds: 1 },
    });
    harness.slack.addFault({
      method: "chat.postMessage",
      channel: harness.config.approvalsChannelId,
      times: 1,
      fault: { kind: "error", error: "invalid_blocks" },
    });

    await requestCredits(harness, refusedCustomer?.customerId ?? "");
    await harness.slack.waitForCall(
      "chat.postMessage",
      (call) => call.args.channel === harness.config.approvalsChannelId,
    );
    await requestCredits(harness, nextCustomer?.customerId ?? "");
    await postedRequest(harness, nextCustomer?.account ?? "");
    await harness.outboxDelivered();

    const approvalIdOf = async (customerId: string) =>
      (
        await harness.db.collection(collections.approvals).findOne({ customerId })
      )?._id.toHexString();
    const entryOf = async (customerId: string) =>
      harness.db.collection(collections.outbox).findOne({
        "owed.kind": "approval.post",
        "owed.approvalId": await approvalIdOf(customerId),
      });
    expect(await entryOf(refusedCustomer?.customerId ?? "")).toMatchObject({
      state: "failed",
      lastError: "invalid_blocks",
    });
    expect(await entryOf(nextCustomer?.customerId ?? "")).toMatchObject({ state: "delivered" });
    expect(
      approvalPosts(harness).filter((call) => mentions(call, refusedCustomer?.account ?? "")),
    ).toHaveLength(0);
    expect(
      approvalPosts(harness).filter((call) => mentions(call, nextCustomer?.account ?? "")),
    ).toHaveLength(1);
    const errors = harness.logLines
      .map((line) => JSON.parse(line) as { level?: number; msg?: string; reason?: string })
      .filter((line) => (line.level ?? 0) >= 50 && line.reason === "invalid_blocks");
    expect(errors.map((line) => line.msg)).toEqual([
      "Slack refused an outbox message for good; it is kept as failed",
    ]);
  });

  it("/metrics shows the backlog and its age while a channel is rate-limited, 0 once it drains, and counts the 429", async () => {
    harness.slack.addFault({
      method: "chat.postMessage",
      channel: auditChannel,
      times: 1,
      fault: { kind: "ratelimited", retryAfterSeconds: 1 },
    });
    const before = metric(await scrape(harness), "customer_desk_outbox_deliveries_total", {
      kind: "audit.line",
      result: "ratelimited",
    });

    await refill(harness, customer.customerId, "measured");
    await harness.slack.waitForCall(
      "chat.postMessage",
      (call) => call.args.channel === auditChannel && call.fault !== undefined,
    );
    await sleep(300);
    const paused = await scrape(harness);
    expect(metric(paused, "customer_desk_outbox_pending")).toBeGreaterThan(0);
    expect(metric(paused, "customer_desk_outbox_oldest_age_seconds")).toBeGreaterThan(0);
    expect(
      metric(paused, "customer_desk_outbox_deliveries_total", {
        kind: "audit.line",
        result: "ratelimited",
      }),
    ).toBe(before + 1);

    await harness.outboxDelivered();
    await sleep(150);
    const drained = await scrape(harness);
    expect(metric(drained, "customer_desk_outbox_pending")).toBe(0);
    expect(metric(drained, "customer_desk_outbox_oldest_age_seconds")).toBe(0);
    expect(
      metric(drained, "customer_desk_outbox_deliveries_total", {
        kind: "audit.line",
        result: "delivered",
      }),
    ).toBeGreaterThanOrEqual(1);
  });
});

describe("two instances sharing one database and one outbox", () => {
  let first: Harness;
  let second: Harness;
  const dbName = `test_${randomBytes(5).toString("hex")}`;
  const customers = Array.from({ length: 40 }, (_, n) =>
    aCustomer({ account: `shared${String(n + 1).padStart(2, "0")}@example.com` }),
  );

  beforeAll(async () => {
    first = await startHarness({ env, mongo: { dbName } });
    second = await startHarness({ env, mongo: { dbName }, slack: first.slack });
    await insertCustomers(first.db, customers);
    await first.ask(users.admin, "pool set 1000");
    await first.outboxDelivered();
    first.slack.reset();
  });
  afterAll(async () => {
    await second.stop();
    await first.db.dropDatabase().catch(() => {});
    await first.stop();
  });

  it("40 changes made on both instances are each delivered exactly once, per channel in the order they committed", async () => {
    // Each instance makes its 20 changes one after another, both at the same time.
    const instances = [first, second];
    const streams = instances.map((_, stream) => customers.filter((_, n) => n % 2 === stream));
    await Promise.all(
      instances.map(async (harness, stream) => {
        for (const customer of streams[stream] ?? [])
          await requestCredits(harness, customer.customerId);
      }),
    );
    await Promise.all([first.outboxDelivered(15_000), second.outboxDelivered(15_000)]);
    await sleep(300);

    const accountIn = (text: string) => /shared\d\d@example\.com/.exec(text)?.[0];
    const approvalsChannel = first.slack.deliveredMessages()[first.config.approvalsChannelId] ?? [];
    const posted = approvalsChannel.map((call) => accountIn(JSON.stringify(call.args.blocks)));
    const audited = auditLines(first).map(accountIn);
    const all = customers.map((customer) => customer.account);
    for (const delivered of [posted, audited]) {
      expect([...delivered].sort()).toEqual(all);
      for (const own of streams) {
        const accounts = own.map((customer) => customer.account);
        expect(delivered.filter((account) => accounts.includes(account ?? ""))).toEqual(accounts);
      }
    }
  });
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

async function scrape(harness: Harness): Promise<Sample[]> {
  const response = await fetch(`${harness.baseUrl}/metrics`);
  expect(response.status).toBe(200);
  return (await response.text())
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const [, name = "", labelText = "", value = ""] =
        /^([^{ ]+)(?:\{(.*)\})? (\S+)$/.exec(line) ?? [];
      const labels = Object.fromEntries(
        [...labelText.matchAll(/(\w+)="([^"]*)"/g)].map(([, key, label]) => [key, label]),
      );
      return { name, labels, value: Number(value) };
    });
}

function metric(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.find(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  return found?.value ?? 0;
}
