import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { moneyOf, poolOf, postedRequest } from "../support/money-helpers.js";
import { buttonLabelled, visibleText } from "../support/slack-blocks.js";

let harness: Harness;
const seedExample = aCustomer({ account: "pool.example@example.com" });
const fourEyes = aCustomer({ account: "four.eyes@example.com" });
const stale = aCustomer({ account: "stale@example.com" });
const late = aCustomer({ account: "late@example.com" });
const rejected = aCustomer({ account: "rejected@example.com" });
const crowd = Array.from({ length: 20 }, (_, i) => aCustomer({ account: `grant${i}@example.com` }));

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [seedExample, fourEyes, stale, late, rejected, ...crowd]);
});
afterAll(() => harness.stop());

/** Support asks for credits through the card's Manage credits button and form; returns the posted request. */
async function requestCreditsThroughTheCard(account: string, target: string, reason: string) {
  const card = await harness.ask(users.support, `show ${account}`);
  const { responseUrl } = await harness.click(
    users.support,
    buttonLabelled(card.body.blocks, "Manage credits"),
  );
  const view = await harness.openedModal();
  const { json } = await harness.submitModal(users.support, view, { amount: target, reason });
  expect(json).toBeUndefined();
  const receipt = await harness.slack.waitForResponse(responseUrl);
  const posted = await postedRequest(harness, account);
  return { receipt, posted, view };
}

describe("the credit pool example (PRODUCT.md §2.5), through the buttons", () => {
  it("total $70; set a customer from $0 to $20 → customer $20, pool left $50; then to $5 → pool left $65", async () => {
    const set = await harness.ask(users.admin, "pool set 70");
    expect(visibleText(set.body.blocks)).toContain("$0.00 → *$70.00*");

    const first = await requestCreditsThroughTheCard(seedExample.account, "20", "welcome bonus");
    expect(visibleText(first.receipt.body.blocks)).toContain("Approval requested");
    const request = visibleText(first.posted.args.blocks);
    expect(request).toContain("$0.00 → *$20.00* (+$20.00)");
    expect(request).toContain("Credit pool left: $70.00");
    expect(request).toContain(`<@${users.support}>`);
    expect(request).toContain("welcome bonus");
    expect((await moneyOf(harness, seedExample.customerId)).credits).toBe(0);

    const approved = await harness.approve(
      users.manager,
      buttonLabelled(first.posted.args.blocks, "Approve"),
    );
    expect(approved.body.text).toContain("Approved");
    expect(await moneyOf(harness, seedExample.customerId)).toMatchObject({
      credits: 2000,
      ledgerCredits: 2000,
    });
    expect((await poolOf(harness)).left).toBe(5000);
    const update = await harness.slack.waitForCall("chat.update", (call) =>
      JSON.stringify(call.args.blocks).includes(seedExample.account),
    );
    expect(visibleText(update.args.blocks)).toContain(`Approved by <@${users.manager}>`);
    expect(visibleText(update.args.blocks)).toContain("credit pool left $50.00");
    expect(JSON.stringify(update.args.blocks)).not.toContain("approval_approve");
    const dm = await harness.slack.waitForCall(
      "chat.postMessage",
      (call) => call.args.channel === users.support,
    );
    expect(String(dm.args.text)).toContain("was approved");

    const second = await requestCreditsThroughTheCard(seedExample.account, "5", "partial return");
    expect(visibleText(second.posted.args.blocks)).toContain("$20.00 → *$5.00* (−$15.00)");
    await harness.approve(users.manager, buttonLabelled(second.posted.args.blocks, "Approve"));
    expect(await moneyOf(harness, seedExample.customerId)).toMatchObject({
      credits: 500,
      ledgerCredits: 500,
    });
    expect(await poolOf(harness)).toEqual({ total: 7000, granted: 500, left: 6500 });

    const pool = await harness.ask(users.support, "pool");
    expect(visibleText(pool.body.blocks)).toContain("*Left*\n$65.00");
  });

  it("a target that needs more than the pool has left is refused on the form, naming what is left", async () => {
    const card = await harness.ask(users.support, `show ${late.account}`);
    await harness.click(users.support, buttonLabelled(card.body.blocks, "Manage credits"));
    const view = await harness.openedModal();
    expect(visibleText(view.blocks)).toContain("has *$65.00* left");
    const { json } = await harness.submitModal(users.support, view, {
      amount: "100",
      reason: "too much",
    });
    expect(json).toMatchObject({
      response_action: "errors",
      errors: { amount: expect.stringContaining("only $65.00 is left") },
    });
    expect(
      await harness.db
        .collection(collections.approvals)
        .countDocuments({ customerId: late.customerId }),
    ).toBe(0);
  });

  it("support cannot change the pool total; an admin cannot set it below what is granted", async () => {
    const refused = await harness.ask(users.support, "pool set 1000");
    expect(refused.body.text).toContain("only admins can");
    const tooLow = await harness.ask(users.admin, "pool set 4");
    expect(tooLow.body.text).toContain("$5.00 is already granted");
    expect((await poolOf(harness)).total).toBe(7000);
  });
});

describe("four-eyes and who may decide", () => {
  it("the requester's own Approve is refused, and so is a support member's; a manager's works", async () => {
    const own = await harness.ask(users.manager, `credits ${fourEyes.customerId} 3 goodwill`);
    expect(visibleText(own.body.blocks)).toContain("Approval requested");
    const posted = await postedRequest(harness, fourEyes.account);
    const approve = buttonLabelled(posted.args.blocks, "Approve");
    const byRequester = await harness.approve(users.manager, approve);
    expect(byRequester.body.text).toContain("someone else must approve it");
    const bySupport = await harness.approve(users.support, approve);
    expect(bySupport.body.text).toContain("Only managers and admins");
    expect((await moneyOf(harness, fourEyes.customerId)).credits).toBe(0);
    expect(
      await harness.db.collection(collections.auditEvents).countDocuments({
        action: "approval.decide",
        outcome: "refused",
        "target.customerId": fourEyes.customerId,
      }),
    ).toBe(2);
    await harness.approve(users.admin, approve);
    expect((await moneyOf(harness, fourEyes.customerId)).credits).toBe(300);
  });

  it("20 concurrent Approve clicks on one request apply it once", async () => {
    const customer = crowd[0];
    if (!customer) throw new Error("no customer");
    await harness.ask(users.support, `credits ${customer.customerId} 1 concurrency`);
    const posted = await postedRequest(harness, customer.account);
    const approve = buttonLabelled(posted.args.blocks, "Approve");
    const clicks = await Promise.all(
      Array.from({ length: 20 }, () => harness.approve(users.manager, approve)),
    );
    expect(clicks.filter((click) => String(click.body.text).includes("Approved:"))).toHaveLength(1);
    expect(
      clicks.filter(
        (click) =>
          String(click.body.text).includes("already approved") ||
          String(click.body.text).includes("decided by someone else"),
      ),
    ).toHaveLength(19);
    expect(await moneyOf(harness, customer.customerId)).toMatchObject({
      credits: 100,
      ledgerCredits: 100,
      entries: 1,
    });
  });
});

describe("stale, expired and rejected requests", () => {
  it("a request whose customer changed meanwhile is marked stale and changes nothing", async () => {
    await harness.ask(users.support, `credits ${stale.customerId} 2 first`);
    const first = await postedRequest(harness, stale.account);
    await harness.ask(users.support, `credits ${stale.customerId} 1 second`);
    const second = await harness.slack.waitForCall(
      "chat.postMessage",
      (call) =>
        call.args.channel === harness.config.approvalsChannelId &&
        JSON.stringify(call.args.blocks).includes("second"),
    );
    await harness.approve(users.manager, buttonLabelled(first.args.blocks, "Approve"));
    const answer = await harness.approve(
      users.manager,
      buttonLabelled(second.args.blocks, "Approve"),
    );
    expect(answer.body.text).toContain("marked stale");
    expect((await moneyOf(harness, stale.customerId)).credits).toBe(200);
    const update = await harness.slack.waitForCall("chat.update", (call) =>
      JSON.stringify(call.args.blocks).includes("Stale"),
    );
    expect(visibleText(update.args.blocks)).toContain("they are now $2.00, not $0.00");
  });

  it("an expired request is marked and its message updated without a click; a late click changes nothing", async () => {
    await harness.ask(users.support, `credits ${late.customerId} 1 late one`);
    const posted = await postedRequest(harness, late.account);
    harness.advanceClock(24 * 3600 * 1000 + 1000);
    await harness.bot.expireOverdueApprovals();
    const update = await harness.slack.waitForCall("chat.update", (call) =>
      JSON.stringify(call.args.blocks).includes(late.account),
    );
    expect(visibleText(update.args.blocks)).toContain("Expired");
    const click = await harness.approve(
      users.manager,
      buttonLabelled(posted.args.blocks, "Approve"),
    );
    expect(click.body.text).toContain("already expired");
    expect((await moneyOf(harness, late.customerId)).credits).toBe(0);
    harness.advanceClock(-(24 * 3600 * 1000 + 1000));
  });

  it("Reject asks for a reason, updates the message, and tells the requester why", async () => {
    await harness.ask(users.support, `credits ${rejected.customerId} 4 please`);
    const posted = await postedRequest(harness, rejected.account);
    await harness.click(users.manager, buttonLabelled(posted.args.blocks, "Reject"));
    const view = await harness.openedModal();
    const empty = await harness.submitModal(users.manager, view, { reason: "" });
    expect(empty.json).toMatchObject({
      response_action: "errors",
      errors: { reason: expect.stringContaining("Give a reason") },
    });
    await harness.submitModal(users.manager, view, { reason: "not eligible this quarter" });
    const dm = await harness.slack.waitForCall(
      "chat.postMessage",
      (call) =>
        call.args.channel === users.support &&
        JSON.stringify(call.args).includes("not eligible this quarter"),
    );
    expect(String(dm.args.text)).toContain("was rejected");
    const update = await harness.slack.waitForCall("chat.update", (call) =>
      JSON.stringify(call.args.blocks).includes("not eligible this quarter"),
    );
    expect(JSON.stringify(update.args.blocks)).not.toContain("approval_approve");
    expect((await moneyOf(harness, rejected.customerId)).credits).toBe(0);
  });

  it("/customer approvals lists what is pending with the same buttons", async () => {
    await harness.ask(users.support, `credits ${crowd[1]?.customerId} 1 listed`);
    const list = await harness.ask(users.manager, "approvals");
    expect(visibleText(list.body.blocks)).toContain(crowd[1]?.account);
    await harness.click(users.manager, buttonLabelled(list.body.blocks, "Approve"));
    const form = await harness.openedModal();
    expect(form.callback_id).toBe("approval_approve_form");
    expect(visibleText(form.blocks)).toContain("listed");
  });
});

describe("grants racing for the pool", () => {
  it("20 concurrent approvals that together exceed the pool never take it below zero; the successful ones sum exactly", async () => {
    await harness.ask(users.admin, `pool set ${((await poolOf(harness)).granted + 10000) / 100}`);
    const customers = crowd.slice(2, 20);
    const posts = [];
    for (const customer of customers) {
      await harness.ask(users.support, `credits ${customer.customerId} 10 race`);
      posts.push(await postedRequest(harness, customer.account));
    }
    const answers = await Promise.all(
      posts.map((post) =>
        harness.approve(users.manager, buttonLabelled(post.args.blocks, "Approve")),
      ),
    );
    const approved = answers.filter((answer) =>
      String(answer.body.text).includes("Approved:"),
    ).length;
    const short = answers.filter((answer) => String(answer.body.text).includes("has only")).length;
    expect(approved).toBe(10);
    expect(short).toBe(customers.length - 10);
    const pool = await poolOf(harness);
    expect(pool.left).toBe(0);
    const credits = await Promise.all(
      customers.map((customer) => moneyOf(harness, customer.customerId)),
    );
    expect(credits.reduce((sum, money) => sum + money.credits, 0)).toBe(approved * 1000);
    for (const money of credits) expect(money.credits).toBe(money.ledgerCredits);
  });
});
