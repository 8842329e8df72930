import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expiryActorId } from "../../src/approvals/approval-service.js";
import { collections } from "../../src/db/collections.js";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { moneyOf, postedRequest } from "../support/money-helpers.js";
import type { RecordedCall } from "../support/slack/fake-slack-api.js";
import { buttonLabelled, visibleText } from "../support/slack-blocks.js";

let harness: Harness;
const clicked = aCustomer({ account: "clicked.late@example.com" });
const alsoDue = aCustomer({ account: "also.due@example.com" });
const notDue = aCustomer({ account: "not.due@example.com" });
const rejectedLate = aCustomer({ account: "rejected.late@example.com" });
const formLate = aCustomer({ account: "form.late@example.com" });
const swept = aCustomer({ account: "swept@example.com" });
const pooled = aCustomer({ account: "pooled@example.com" });

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [
    clicked,
    alsoDue,
    notDue,
    rejectedLate,
    formLate,
    swept,
    pooled,
  ]);
  await harness.ask(users.admin, "pool set 1000");
});
afterAll(() => harness.stop());

const pastExpiry = () => harness.advanceClock(harness.config.approvalTtlMs + 1000);

/** Asks for credits as `requester` and returns the request the app posted to the approvals channel. */
async function requestCredits(
  requester: string,
  customer: { customerId: string; account: string },
) {
  const answer = await harness.ask(requester, `credits ${customer.customerId} 5 expiry test`);
  expect(visibleText(answer.body.blocks)).toContain("Approval requested");
  return postedRequest(harness, customer.account);
}

const mentions = (call: RecordedCall, account: string) =>
  JSON.stringify(call.args).includes(account);
const updatesOf = (account: string) =>
  harness.slack.callsTo("chat.update").filter((call) => mentions(call, account));
const dmsTo = (userId: string, account: string) =>
  harness.slack
    .callsTo("chat.postMessage")
    .filter((call) => call.args.channel === userId && mentions(call, account));
const expiryRecords = (customerId: string) =>
  harness.db.collection(collections.auditEvents).countDocuments({
    action: "approval.expire",
    outcome: "done",
    actorId: expiryActorId,
    "target.customerId": customerId,
  });

/** Waits for a request's expiry to reach Slack: its message updated and its requester told. */
async function expiryDelivered(requester: string, account: string) {
  const update = await harness.slack.waitForCall("chat.update", (call) => mentions(call, account));
  const dm = await harness.slack.waitForCall(
    "chat.postMessage",
    (call) => call.args.channel === requester && mentions(call, account),
  );
  return { update, dm };
}

/** Lets any further (duplicate) deliveries arrive before counting. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe("an expiry is delivered like a decision", () => {
  it("a click on an overdue request answers that it expired; it and every other due request get their message updated and their requester told, once, with an audit record", async () => {
    const first = await requestCredits(users.support, clicked);
    await requestCredits(users.manager, alsoDue);
    pastExpiry();
    await requestCredits(users.support, notDue);

    const answer = await harness.approve(users.admin, buttonLabelled(first.args.blocks, "Approve"));

    expect(answer.body.text).toContain("expired before anyone decided it");
    expect((await moneyOf(harness, clicked.customerId)).credits).toBe(0);
    for (const [requester, customer] of [
      [users.support, clicked],
      [users.manager, alsoDue],
    ] as const) {
      const { update, dm } = await expiryDelivered(requester, customer.account);
      expect(visibleText(update.args.blocks)).toContain("Expired");
      expect(JSON.stringify(update.args.blocks)).not.toContain("approval_approve");
      expect(JSON.stringify(update.args.blocks)).not.toContain("approval_reject");
      expect(String(dm.args.text)).toContain("was expired");
      expect(await expiryRecords(customer.customerId)).toBe(1);
    }
    await harness.bot.expireOverdueApprovals();
    await settle();
    expect(updatesOf(clicked.account)).toHaveLength(1);
    expect(updatesOf(alsoDue.account)).toHaveLength(1);
    expect(dmsTo(users.support, clicked.account)).toHaveLength(1);
    expect(dmsTo(users.manager, alsoDue.account)).toHaveLength(1);
    expect(updatesOf(notDue.account)).toHaveLength(0);
    expect(await expiryRecords(notDue.customerId)).toBe(0);
  });

  it("Reject on an overdue request answers at once that it expired, opens no form, and delivers the expiry", async () => {
    const posted = await requestCredits(users.support, rejectedLate);
    pastExpiry();
    const formsBefore = harness.slack.callsTo("views.open").length;

    const answer = await harness.clickAndWait(
      users.manager,
      buttonLabelled(posted.args.blocks, "Reject"),
    );

    expect(answer.body.text).toContain("expired before anyone decided it");
    const { update } = await expiryDelivered(users.support, rejectedLate.account);
    expect(visibleText(update.args.blocks)).toContain("Expired");
    await settle();
    expect(harness.slack.callsTo("views.open")).toHaveLength(formsBefore);
    expect(await expiryRecords(rejectedLate.customerId)).toBe(1);
  });

  it("a reject form submitted after the request expired says so and delivers the expiry", async () => {
    const posted = await requestCredits(users.support, formLate);
    await harness.click(users.manager, buttonLabelled(posted.args.blocks, "Reject"));
    const view = await harness.openedModal();
    pastExpiry();

    const { json } = await harness.submitModal(users.manager, view, { reason: "too late" });

    expect(JSON.stringify(json)).toContain("expired before anyone decided it");
    const { update, dm } = await expiryDelivered(users.support, formLate.account);
    expect(visibleText(update.args.blocks)).toContain("Expired");
    expect(String(dm.args.text)).toContain("was expired");
    expect(await expiryRecords(formLate.customerId)).toBe(1);
  });

  it("the periodic sweep records each expiry in the audit trail and delivers it once", async () => {
    await requestCredits(users.support, swept);
    pastExpiry();

    await harness.bot.expireOverdueApprovals();
    await harness.bot.expireOverdueApprovals();

    await expiryDelivered(users.support, swept.account);
    await settle();
    expect(updatesOf(swept.account)).toHaveLength(1);
    expect(dmsTo(users.support, swept.account)).toHaveLength(1);
    expect(await expiryRecords(swept.customerId)).toBe(1);
  });

  it("the pool's “requested, pending” leaves out a request that is overdue but not yet swept", async () => {
    await requestCredits(users.support, pooled);
    const before = await harness.ask(users.support, "pool");
    expect(visibleText(before.body.blocks)).toContain("*Requested, pending*\n$5.00");

    pastExpiry();
    const after = await harness.ask(users.support, "pool");

    expect(visibleText(after.body.blocks)).toContain("*Requested, pending*\n$0.00");
    expect(
      await harness.db
        .collection(collections.approvals)
        .countDocuments({ customerId: pooled.customerId, state: "pending" }),
    ).toBe(1);
  });
});
