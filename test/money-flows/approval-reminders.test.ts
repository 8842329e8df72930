/**
 * Issue 17 item 4: halfway to APPROVAL_TTL and one hour before it, a pending request gets one
 * reminder each in its thread in the approvals channel, saying how long is left; an expiry says so
 * in the thread. The app's clock is injected (the harness moves it), the sweep is the one the app
 * runs every minute, called directly.
 */
import { randomBytes } from "node:crypto";
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionIds } from "../../src/blocks/action-ids.js";
import { collections } from "../../src/db/collections.js";
import { startInstances } from "../reliability/support/instances-pair.js";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { moneyOf, postedRequest } from "../support/money-helpers.js";
import type { RecordedCall } from "../support/slack/fake-slack-api.js";
import { buttonLabelled, visibleText } from "../support/slack-blocks.js";

const hourMs = 3_600_000;
const minuteMs = 60_000;

let harness: Harness;
const remindedTwice = aCustomer({ account: "reminded.twice@example.com" });
const approvedEarly = aCustomer({ account: "approved.early@example.com" });
const withdrawnEarly = aCustomer({ account: "withdrawn.early@example.com" });
const botWasDown = aCustomer({ account: "bot.was.down@example.com" });
const downPastExpiry = aCustomer({ account: "down.past.expiry@example.com" });

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [
    remindedTwice,
    approvedEarly,
    withdrawnEarly,
    botWasDown,
    downPastExpiry,
  ]);
  await harness.ask(users.admin, "pool set 1000");
});
afterAll(() => harness.stop());

/**
 * The app's clock as seen from one moment (a request's): `to(ms)` sets it `ms` after that moment.
 * The harness clock only moves forward; each test starts from where the last one left it.
 */
function clockOf(target: Harness) {
  let moved = 0;
  return {
    to(ms: number) {
      target.advanceClock(ms - moved);
      moved = ms;
    },
  };
}

/** Asks for credits as `requester`; answers the request's post and its ts as Slack holds it. */
async function requestCredits(
  on: Harness,
  requester: string,
  customer: { customerId: string; account: string },
) {
  const answer = await on.ask(requester, `credits ${customer.customerId} 5 reminder test`);
  expect(visibleText(answer.body.blocks)).toContain("Approval requested");
  const posted = await postedRequest(on, customer.account);
  await on.outboxDelivered();
  return { posted, ts: await requestTsInSlack(on, customer.account) };
}

/** The ts of the request's message in the approvals channel, read from Slack's side. */
async function requestTsInSlack(on: Harness, account: string): Promise<string> {
  const reader = new WebClient("xoxb-test-reader", { slackApiUrl: on.slack.apiUrl });
  const history = await reader.conversations.history({ channel: on.config.approvalsChannelId });
  const message = history.messages?.find((each) => JSON.stringify(each.blocks).includes(account));
  if (!message?.ts) throw new Error(`no request message for ${account} in the approvals channel`);
  return message.ts;
}

/** The channel's own messages (not thread replies) as Slack shows them, their texts joined. */
async function channelTexts(on: Harness): Promise<string> {
  const reader = new WebClient("xoxb-test-reader", { slackApiUrl: on.slack.apiUrl });
  const history = await reader.conversations.history({ channel: on.config.approvalsChannelId });
  return (history.messages ?? []).map((message) => message.text).join("\n");
}

/** The replies Slack took in the thread of the message `ts` in the approvals channel. */
function repliesIn(on: Harness, ts: string): RecordedCall[] {
  return (on.slack.deliveredMessages()[on.config.approvalsChannelId] ?? []).filter(
    (call) => call.method === "chat.postMessage" && call.args.thread_ts === ts,
  );
}
const textsIn = (on: Harness, ts: string) =>
  repliesIn(on, ts).map((call) => String(call.args.text));

/** The app's sweep, `times` over, and then everything it owed delivered. */
async function sweep(on: Harness, times = 1) {
  for (let i = 0; i < times; i += 1) await on.bot.sweepApprovals();
  await on.outboxDelivered();
}

const reminderText = /^:alarm_clock: Still waiting for a manager — expires in (.+) \(<!date\^\d+\^/;
const expiryText = "Expired without a decision after 24 h; nothing was changed.";

describe("reminders in the request's thread", () => {
  it("a 24 h request is reminded at 12 h (not at 11 h 59) and at 23 h, once each however often the sweep runs, and its expiry says so in the thread once", async () => {
    const { ts } = await requestCredits(harness, users.support, remindedTwice);
    const clock = clockOf(harness);

    clock.to(12 * hourMs - minuteMs);
    await sweep(harness, 3);
    expect(textsIn(harness, ts)).toEqual([]);

    clock.to(12 * hourMs);
    await sweep(harness, 5);
    const [halfway] = repliesIn(harness, ts);
    expect(textsIn(harness, ts)).toHaveLength(1);
    expect(String(halfway?.args.text)).toMatch(reminderText);
    expect(String(halfway?.args.text)).toContain("expires in 12 h (");
    expect(halfway?.args.channel).toBe(harness.config.approvalsChannelId);
    expect(String(halfway?.args.unfurl_links)).toBe("false");

    clock.to(23 * hourMs - minuteMs);
    await sweep(harness, 3);
    expect(textsIn(harness, ts)).toHaveLength(1);

    clock.to(23 * hourMs);
    await sweep(harness, 5);
    const texts = textsIn(harness, ts);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toMatch(reminderText);
    expect(texts[1]).toContain("expires in 1 h (");

    clock.to(24 * hourMs + minuteMs);
    await sweep(harness, 4);
    const afterExpiry = textsIn(harness, ts);
    expect(afterExpiry).toHaveLength(3);
    expect(afterExpiry[2]).toBe(`:hourglass: ${expiryText}`);
    // In its thread only: the channel itself shows none of them.
    expect(await channelTexts(harness)).not.toContain("Still waiting");
    expect(await channelTexts(harness)).not.toContain("Expired without a decision after");
  });

  it("approved or withdrawn requests get no reminder and no expiry reply after the decision", async () => {
    const approved = await requestCredits(harness, users.support, approvedEarly);
    const withdrawn = await requestCredits(harness, users.support, withdrawnEarly);
    const clock = clockOf(harness);
    clock.to(2 * hourMs);
    await harness.approve(users.manager, buttonLabelled(approved.posted.args.blocks, "Approve"));
    const stored = await harness.db
      .collection(collections.approvals)
      .findOne({ customerId: withdrawnEarly.customerId });
    await harness.clickInHome(users.support, {
      action_id: actionIds.withdraw,
      value: stored?._id.toHexString() ?? "",
      text: "Withdraw",
    });
    const told = await harness.slack.waitForCall(
      "chat.postMessage",
      (call) => call.args.channel === users.support && String(call.args.text).includes("Withdrew"),
      10_000,
    );
    expect(String(told.args.text)).toContain(withdrawnEarly.account);
    expect((await moneyOf(harness, approvedEarly.customerId)).credits).toBe(500);

    for (const at of [12 * hourMs, 23 * hourMs, 25 * hourMs]) {
      clock.to(at);
      await sweep(harness, 2);
    }

    expect(textsIn(harness, approved.ts)).toEqual([]);
    expect(textsIn(harness, withdrawn.ts)).toEqual([]);
  });

  it("a bot down past both reminder times sends one reminder when it is back, then the expiry", async () => {
    const { ts } = await requestCredits(harness, users.support, botWasDown);
    const clock = clockOf(harness);

    clock.to(23 * hourMs + 30 * minuteMs);
    await sweep(harness, 3);
    const texts = textsIn(harness, ts);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain("expires in 30 min (");

    clock.to(24 * hourMs);
    await sweep(harness, 2);
    expect(textsIn(harness, ts)).toEqual([texts[0], `:hourglass: ${expiryText}`]);
  });

  it("a bot down past the expiry sends no reminder at all, only the expiry", async () => {
    const { ts } = await requestCredits(harness, users.support, downPastExpiry);
    const clock = clockOf(harness);

    clock.to(24 * hourMs + 5 * minuteMs);
    await sweep(harness, 3);

    expect(textsIn(harness, ts)).toEqual([`:hourglass: ${expiryText}`]);
  });
});

describe("a short APPROVAL_TTL", () => {
  let short: Harness;
  const quick = aCustomer({ account: "quick.ttl@example.com" });
  beforeAll(async () => {
    short = await startHarness({ env: { APPROVAL_TTL: "90m" } });
    await insertCustomers(short.db, [quick]);
    await short.ask(users.admin, "pool set 1000");
  });
  afterAll(() => short.stop());

  it("1 h 30 min: one reminder, halfway (its one-hour point would come first), then the expiry", async () => {
    const { ts } = await requestCredits(short, users.support, quick);
    const clock = clockOf(short);

    for (const at of [30 * minuteMs, 44 * minuteMs]) {
      clock.to(at);
      await sweep(short, 2);
    }
    expect(textsIn(short, ts)).toEqual([]);

    for (const at of [45 * minuteMs, 60 * minuteMs, 89 * minuteMs]) {
      clock.to(at);
      await sweep(short, 2);
    }
    const texts = textsIn(short, ts);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain("expires in 45 min (");

    clock.to(90 * minuteMs);
    await sweep(short);
    expect(textsIn(short, ts)).toEqual([
      texts[0],
      ":hourglass: Expired without a decision after 1 h 30 min; nothing was changed.",
    ]);
  });
});

describe("two instances sweeping one database at the same moment", () => {
  it("each of 4 requests gets each reminder and its expiry reply exactly once over 6 concurrent sweeps per point", async () => {
    const pair = await startInstances(`test_remind_${randomBytes(4).toString("hex")}`);
    try {
      const customers = Array.from({ length: 4 }, (_, i) =>
        aCustomer({ account: `two.sweepers${i}@example.com` }),
      );
      await insertCustomers(pair.first.db, customers);
      await pair.first.ask(users.admin, "pool set 1000");
      const threads: string[] = [];
      for (const [i, customer] of customers.entries()) {
        const on = i % 2 === 0 ? pair.first : pair.second;
        threads.push((await requestCredits(on, users.support, customer)).ts);
      }
      const clocks = [clockOf(pair.first), clockOf(pair.second)];

      for (const at of [12 * hourMs, 23 * hourMs, 24 * hourMs + minuteMs]) {
        for (const clock of clocks) clock.to(at);
        for (let round = 0; round < 6; round += 1)
          await Promise.all([pair.first.bot.sweepApprovals(), pair.second.bot.sweepApprovals()]);
        await Promise.all([pair.first.outboxDelivered(), pair.second.outboxDelivered()]);
      }

      for (const ts of threads) {
        const texts = textsIn(pair.first, ts);
        expect(texts).toHaveLength(3);
        expect(texts[0]).toContain("expires in 12 h (");
        expect(texts[1]).toContain("expires in 1 h (");
        expect(texts[2]).toBe(`:hourglass: ${expiryText}`);
      }
    } finally {
      await pair.stop();
    }
  });
});
