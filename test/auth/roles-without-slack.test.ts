/**
 * Issue 13 item 2: roles come from user group members stored in MongoDB, so a rate-limited Slack
 * never makes a command miss Slack's 3 s ack; Slack's user group events change them at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessBeingCheckedMessage } from "../../src/auth/role-resolver.js";
import { collections } from "../../src/db/collections.js";
import { type Harness, startHarness, supportGroup, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { startFakeSlackApi } from "../support/slack/fake-slack-api.js";

const customer = aCustomer({ account: "roles.stored@example.com" });

const storedMembers = async (harness: Harness) => {
  const doc = await harness.db
    .collection<{ _id: string; members: string[] }>(collections.usergroupMembers)
    .findOne({ _id: supportGroup });
  return doc?.members;
};

const refusals = (harness: Harness) =>
  harness.db.collection(collections.auditEvents).find({ action: "access.refused" }).toArray();

/** Waits (up to 10 s) until the support group's stored members are `expected`. */
async function membersBecome(harness: Harness, expected: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (JSON.stringify(await storedMembers(harness)) !== JSON.stringify(expected)) {
    if (Date.now() > deadline) throw new Error(`stored members never became ${expected}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs a command, timing its ack (the HTTP answer), and waits for the reply. */
async function timedAsk(harness: Harness, userId: string, text: string) {
  const started = performance.now();
  const { status, responseUrl } = await harness.command(userId, text);
  const ackMs = performance.now() - started;
  expect(status).toBe(200);
  const reply = await harness.slack.waitForResponse(responseUrl, undefined, 10_000);
  return { ackMs, text: String(reply.body.text ?? JSON.stringify(reply.body)) };
}

describe("with the support group's members stored", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
    await insertCustomers(harness.db, [customer]);
    // The refresher read the group when the app started.
    await membersBecome(harness, [users.groupSupport]);
    harness.slack.addFault({
      method: "usergroups.users.list",
      fault: { kind: "ratelimited", retryAfterSeconds: 30 },
    });
  });
  afterAll(() => harness.stop());

  const usergroupCalls = () => harness.slack.callsTo("usergroups.users.list").length;

  it("a group member is answered while Slack rate-limits user group reads: acked fast, no Slack look-up", async () => {
    const before = usergroupCalls();

    const { ackMs, text } = await timedAsk(harness, users.groupSupport, `show ${customer.account}`);

    expect(text).toContain(customer.customerId);
    expect(ackMs).toBeLessThan(1000);
    expect(usergroupCalls()).toBe(before);
  });

  it("a subteam_members_changed event removing them refuses their next command; adding them back lets them in", async () => {
    const before = usergroupCalls();
    const removed = await harness.event({
      type: "subteam_members_changed",
      subteam_id: supportGroup,
      team_id: "T0TEST",
      date_previous_update: 1,
      date_update: 2,
      removed_users: [users.groupSupport],
      removed_users_count: 1,
    });
    expect(removed.status).toBe(200);
    await expect.poll(() => storedMembers(harness)).toEqual([]);

    const refused = await timedAsk(harness, users.groupSupport, `show ${customer.account}`);
    expect(refused.text).toContain("you don't have access");
    expect(refused.text).not.toContain(customer.customerId);

    await harness.event({
      type: "subteam_members_changed",
      subteam_id: supportGroup,
      team_id: "T0TEST",
      date_previous_update: 2,
      date_update: 3,
      added_users: [users.groupSupport],
      added_users_count: 1,
    });
    await expect.poll(() => storedMembers(harness)).toEqual([users.groupSupport]);

    const answered = await timedAsk(harness, users.groupSupport, `show ${customer.account}`);
    expect(answered.text).toContain(customer.customerId);
    expect(usergroupCalls()).toBe(before);
  });

  it("a subteam_updated event with the group's users replaces its members", async () => {
    await harness.event({
      type: "subteam_updated",
      subteam: { id: supportGroup, name: "Support", users: [users.outsider] },
    });
    await expect.poll(() => storedMembers(harness)).toEqual([users.outsider]);

    const outsider = await timedAsk(harness, users.outsider, `show ${customer.account}`);
    expect(outsider.text).toContain(customer.customerId);
    const dropped = await timedAsk(harness, users.groupSupport, `show ${customer.account}`);
    expect(dropped.text).toContain("you don't have access");
  });
});

describe("on first start, before the support group was ever read", () => {
  let harness: Harness;
  let slack: Awaited<ReturnType<typeof startFakeSlackApi>>;

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    // The start-up read and its retry are rate-limited: the group's members come after ~4 s.
    slack.addFault({
      method: "usergroups.users.list",
      times: 2,
      fault: { kind: "ratelimited", retryAfterSeconds: 2 },
    });
    harness = await startHarness({ slack });
    await insertCustomers(harness.db, [customer]);
  });
  afterAll(async () => {
    await harness.stop();
    await slack.stop();
  });

  it("a group member is asked to try again within about 1 s — not refused — and answered once the read lands", async () => {
    const started = performance.now();
    const { ackMs, text } = await timedAsk(harness, users.groupSupport, `show ${customer.account}`);
    const answeredMs = performance.now() - started;

    expect(text).toContain(accessBeingCheckedMessage);
    expect(text).not.toContain("don't have access");
    // The request waited at most 1 s for the look-up before its ack: well within Slack's 3 s.
    expect(ackMs).toBeLessThan(2000);
    expect(answeredMs).toBeLessThan(2500);
    const submitted = await harness.submitView(users.groupSupport, {
      callback_id: "customer_create",
      state: { values: {} },
    });
    expect(submitted.json).toMatchObject({ response_action: "update" });
    expect(JSON.stringify(submitted.json)).toContain(accessBeingCheckedMessage);

    expect(await refusals(harness)).toEqual([]);
    const metrics = await harness.bot.metrics.text();
    expect(metrics).toContain('customer_desk_answers_total{outcome="error"} 2');
    expect(metrics).not.toContain('outcome="refused"');

    await expect
      .poll(() => storedMembers(harness), { timeout: 15_000 })
      .toEqual([users.groupSupport]);
    const later = await timedAsk(harness, users.groupSupport, `show ${customer.account}`);
    expect(later.text).toContain(customer.customerId);
  });
});
