/**
 * Replies in an approval request's thread (reminders, expiries) through the real poster and
 * SlackDeliveries, on a test database with the real approval service and an injected clock: posted
 * exactly once even when an attempt ends before Slack's answer, and never loose in the channel.
 */
import { WebClient } from "@slack/web-api";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { LeaseRepository } from "../../src/leases/lease-repository.js";
import { OutboxPoster } from "../../src/notifications/outbox-poster.js";
import { SlackDeliveries } from "../../src/notifications/slack-deliveries.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { captureLogs } from "../support/log-capture.js";
import {
  approvalTtlMs,
  moneyServices,
  repositoriesForThisFile,
  support,
  usd,
} from "../support/repositories.js";
import { type FakeSlackApi, startFakeSlackApi } from "../support/slack/fake-slack-api.js";

const approvalsChannel = "CAPPROVALS1";
/** The outbox client gives up on a call after this long (production's is several seconds). */
const clientTimeoutMs = 200;
const readerToken = "xoxb-test-reader";

const repositories = await repositoriesForThisFile();
let slack: FakeSlackApi;
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);
const { approvals } = moneyServices(repositories, now);
let logLines: string[];
let poster: OutboxPoster;

beforeAll(async () => {
  slack = await startFakeSlackApi();
});
afterAll(() => slack.stop());
beforeEach(() => {
  offsetMs = 0;
  slack.reset();
  const captured = captureLogs();
  logLines = captured.lines;
  const { logger } = captured;
  const client = new WebClient("xoxb-test-token", {
    slackApiUrl: slack.apiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: clientTimeoutMs,
  });
  const deliveries = new SlackDeliveries(
    client,
    repositories.outbox,
    approvals,
    { publishNow: async () => {} },
    async () => null,
    { approvalsChannelId: approvalsChannel, currency: usd },
    logger,
  );
  poster = new OutboxPoster(
    repositories.outbox,
    new LeaseRepository(repositories.db),
    deliveries,
    logger,
    {
      laneIntervalMs: 5,
      scanMs: 100,
      retryBaseMs: 1000,
      retryMaxMs: 2000,
      leaseMs: 5000,
      unansweredRetryMs: 300,
    },
  );
  poster.start();
});
afterEach(() => poster.stop());

let requests = 0;
/** A balance request by support for a new customer (its post owed); answers it. */
async function requestBalance(reason: string) {
  requests += 1;
  const customer = aCustomer({ account: `thread.reply${requests}@example.com`, balance: 0 });
  await insertCustomers(repositories.db, [customer]);
  const { approval } = await approvals.request({
    kind: "balance",
    customerId: customer.customerId,
    account: customer.account,
    current: 0,
    target: 500_000,
    reason,
    requester: support,
    idempotencyKey: `thread-reply-${requests}`,
  });
  return approval;
}

/** A balance request whose post was delivered; answers its approval ID, message ts and account. */
async function postedRequest(): Promise<{ approvalId: string; ts: string; account: string }> {
  const approval = await requestBalance("thread reply test");
  const post = await entryIn(approval.approvalId, "approval.post", "delivered");
  return {
    approvalId: approval.approvalId,
    ts: String(post?.message?.ts),
    account: approval.account,
  };
}

/** Waits until the approval's entry of `kind` is in `state`; answers it. */
async function entryIn(approvalId: string, kind: string, state = "delivered") {
  const find = () =>
    repositories.db
      .collection(collections.outbox)
      .findOne({ "owed.approvalId": approvalId, "owed.kind": kind });
  await expect.poll(async () => (await find())?.state, { timeout: 5000, interval: 50 }).toBe(state);
  return find();
}

/** The thread of `ts` as Slack holds it (the parent first), read with the test's own token. */
async function thread(ts: string) {
  const replies = await new WebClient(readerToken, {
    slackApiUrl: slack.apiUrl,
  }).conversations.replies({ channel: approvalsChannel, ts, include_all_metadata: true });
  return (replies.messages ?? []).slice(1);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a reply in the request's thread", () => {
  it("that landed after the client gave up (as after a crash between the post and marking it delivered) is found in the thread and not posted again", async () => {
    const { approvalId, ts } = await postedRequest();
    // Slack processes the reply, but only after the client has timed out.
    slack.addFault({
      method: "chat.postMessage",
      channel: approvalsChannel,
      times: 1,
      fault: { kind: "delay", ms: clientTimeoutMs + 300 },
    });

    offsetMs = approvalTtlMs / 2;
    expect(await approvals.remindDue()).toHaveLength(1);

    const entry = await entryIn(approvalId, "approval.reminder");
    const replies = await thread(ts);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain("Still waiting for a manager — expires in 30 min");
    expect(entry?.message).toEqual({ channel: approvalsChannel, ts: replies[0]?.ts });
    const posts = slack.callsTo("chat.postMessage").filter((call) => call.args.thread_ts);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.args.thread_ts).toBe(ts);
    // It looked in the thread (a reply is not in the channel's history) before posting again.
    const looks = slack
      .callsTo("conversations.replies")
      .filter((call) => call.token !== readerToken);
    expect(looks.length).toBeGreaterThanOrEqual(1);
    expect(looks[0]?.args.ts).toBe(ts);
    await sleep(300);
    expect(await thread(ts)).toHaveLength(1);
  });

  it("an expiry's reply goes in the thread once, after the message update, and the sweep run again owes nothing more", async () => {
    const { approvalId, ts } = await postedRequest();
    const before = slack.calls.length;
    offsetMs = approvalTtlMs;

    await approvals.expireDue();
    await approvals.expireDue();
    expect(await approvals.remindDue()).toEqual([]);

    await entryIn(approvalId, "approval.expiry");
    const replies = await thread(ts);
    expect(replies.map((reply) => reply.text)).toEqual([
      ":hourglass: Expired without a decision after 1 h; nothing was changed.",
    ]);
    const callsOnIt = slack.calls
      .slice(before)
      .filter(
        (call) =>
          call.method.startsWith("chat.") && (call.args.ts === ts || call.args.thread_ts === ts),
      );
    expect(callsOnIt.map((call) => call.method)).toEqual(["chat.update", "chat.postMessage"]);
  });

  it("of a request whose post Slack refused for good is not posted loose in the channel: it is dropped with a warning and the channel goes on", async () => {
    slack.addFault({
      method: "chat.postMessage",
      channel: approvalsChannel,
      times: 1,
      fault: { kind: "error", error: "invalid_blocks" },
    });
    const approval = await requestBalance("post refused");
    await entryIn(approval.approvalId, "approval.post", "failed");

    offsetMs = approvalTtlMs / 2;
    await approvals.remindDue();
    await entryIn(approval.approvalId, "approval.reminder");
    const next = await postedRequest();

    const posts = slack.callsTo("chat.postMessage");
    expect(posts.filter((call) => call.args.thread_ts !== undefined)).toEqual([]);
    // The refused request's post, then the next request's: no reminder between them.
    expect(posts).toHaveLength(2);
    expect(JSON.stringify(posts[1]?.args.blocks)).toContain(next.account);
    expect(
      logLines.some(
        (line) =>
          line.includes("its thread reply is not posted either") &&
          line.includes(approval.approvalId),
      ),
    ).toBe(true);
  });
});
