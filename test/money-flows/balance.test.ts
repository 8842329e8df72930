import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { moneyOf, postedRequest } from "../support/money-helpers.js";
import { allButtons, buttonLabelled, visibleText } from "../support/slack-blocks.js";

let harness: Harness;
const racer = aCustomer({ account: "racer@example.com" });
const modest = aCustomer({ account: "modest@example.com" });
const big = aCustomer({ account: "big.spender@example.com" });
const replayed = aCustomer({ account: "replayed@example.com" });

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [racer, modest, big, replayed]);
  await harness.ask(users.admin, "pool set 100");
});
afterAll(() => harness.stop());

describe("manage balance", () => {
  it("refills through the card's form and answers before → after, with a ledger entry", async () => {
    const card = await harness.ask(users.support, `show ${modest.account}`);
    const { responseUrl } = await harness.click(
      users.support,
      buttonLabelled(card.body.blocks, "Manage balance"),
    );
    const view = await harness.openedModal();
    await harness.submitModal(users.support, view, {
      direction: "refill",
      amount: "$250.50",
      reason: "wire transfer 4471",
    });
    const answer = await harness.slack.waitForResponse(responseUrl);
    expect(answer.body.text).toContain("Balance of modest@example.com: $0.00 → $250.50");
    expect(await moneyOf(harness, modest.customerId)).toEqual({
      balance: 25_050,
      credits: 0,
      ledgerBalance: 25_050,
      ledgerCredits: 0,
      entries: 1,
    });
    expect(
      await harness.db
        .collection(collections.ledgerEntries)
        .findOne({ customerId: modest.customerId }),
    ).toMatchObject({
      kind: "balance.refill",
      amount: 25_050,
      after: 25_050,
      actorId: users.support,
      reason: "wire transfer 4471",
      currency: "USD",
    });
  });

  it("a deduction larger than the balance is refused with the current balance, and recorded", async () => {
    const reply = await harness.ask(users.support, `balance ${modest.customerId} -2000 chargeback`);
    expect(reply.body.text).toContain(
      "Cannot deduct $2,000.00 from modest@example.com: the balance is only $250.50",
    );
    expect((await moneyOf(harness, modest.customerId)).balance).toBe(25_050);
    expect(
      await harness.db
        .collection(collections.auditEvents)
        .findOne({ action: "balance.deduct", outcome: "refused" }),
    ).toBeTruthy();
  });

  it.each([
    ["balance X +5.001 r", "too many decimals"],
    ["balance X +0 r", "more than zero"],
    ["balance X +1e5 r", "is not an amount"],
    ["balance X +lots r", "is not an amount"],
  ])("refuses %j with what is accepted", async (text, message) => {
    const reply = await harness.ask(users.support, text.replace("X", modest.customerId));
    expect(reply.body.text).toContain(message);
    expect((await moneyOf(harness, modest.customerId)).balance).toBe(25_050);
  });

  it("a support member's change above the approval limit becomes a request; a manager's applies at once", async () => {
    const asked = await harness.ask(
      users.support,
      `balance ${big.customerId} +600 annual prepayment`,
    );
    expect(visibleText(asked.body.blocks)).toContain("Approval requested");
    const posted = await postedRequest(harness, big.account);
    expect(visibleText(posted.args.blocks)).toContain("$0.00 → *$600.00* (+$600.00)");
    expect((await moneyOf(harness, big.customerId)).balance).toBe(0);
    await harness.approve(users.manager, buttonLabelled(posted.args.blocks, "Approve"));
    expect(await moneyOf(harness, big.customerId)).toMatchObject({
      balance: 60_000,
      ledgerBalance: 60_000,
    });
    const direct = await harness.ask(users.manager, `balance ${big.customerId} +700 top-up`);
    expect(direct.body.text).toContain("$600.00 → $1,300.00");
  });

  it("50 concurrent deductions of $1 from $30: exactly 30 succeed, the balance ends at 0, the ledger sums to it", async () => {
    await harness.ask(users.admin, `balance ${racer.customerId} +30 float`);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        harness.ask(users.support, `balance ${racer.customerId} -1 usage`),
      ),
    );
    const succeeded = answers.filter((answer) =>
      String(answer.body.text).includes("Deducted $1.00"),
    );
    const refused = answers.filter((answer) => String(answer.body.text).includes("Cannot deduct"));
    expect(succeeded).toHaveLength(30);
    expect(refused).toHaveLength(20);
    expect(await moneyOf(harness, racer.customerId)).toEqual({
      balance: 0,
      credits: 0,
      ledgerBalance: 0,
      ledgerCredits: 0,
      entries: 31,
    });
    const afterValues = (
      await harness.db
        .collection(collections.ledgerEntries)
        .find({ customerId: racer.customerId })
        .toArray()
    ).map((entry) => Number(entry.after));
    expect(Math.min(...afterValues)).toBe(0);
  });
});

describe("billing details", () => {
  it("the card's Billing details button shows the changes just made, newest first, with totals", async () => {
    await harness.ask(users.support, `balance ${modest.customerId} -50.50 refund of overcharge`);
    const card = await harness.ask(users.support, `show ${modest.customerId}`);
    const billing = await harness.clickAndWait(
      users.support,
      buttonLabelled(card.body.blocks, "Billing details"),
    );
    const text = visibleText(billing.body.blocks);
    expect(text.indexOf("refund of overcharge")).toBeLessThan(text.indexOf("wire transfer 4471"));
    expect(text).toContain("$250.50");
    expect(text).toContain("$50.50");
    expect(text).toContain(`<@${users.support}>`);
  });

  it("shows the 30-day and all-time totals right after refills, deductions, a grant and a return", async () => {
    const counted = aCustomer({ account: "counted@example.com" });
    await insertCustomers(harness.db, [counted]);
    const ref = counted.customerId;
    await harness.ask(users.support, `balance ${ref} +12 first`);
    await harness.ask(users.support, `balance ${ref} -2.50 second`);
    await harness.ask(users.support, `balance ${ref} +1 third`);
    for (const [target, reason] of [
      ["6", "grant six"],
      ["2", "return four"],
    ] as const) {
      await harness.ask(users.support, `credits ${ref} ${target} ${reason}`);
      const posted = await harness.slack.waitForCall(
        "chat.postMessage",
        (call) =>
          call.args.channel === harness.config.approvalsChannelId &&
          JSON.stringify(call.args.blocks).includes(reason),
      );
      await harness.approve(users.manager, buttonLabelled(posted.args.blocks, "Approve"));
    }

    const billing = await harness.ask(users.support, `billing ${ref}`);

    const totals = "Refilled $13.00\nDeducted $2.50\nCredits granted $6.00\nCredits returned $4.00";
    const text = visibleText(billing.body.blocks);
    expect(text).toContain(`*Last 30 days*\n${totals}`);
    expect(text).toContain(`*All time*\n${totals}`);
    const stored = await harness.db.collection(collections.customers).findOne({ customerId: ref });
    expect(stored?.totals).toMatchObject({
      refilled: 1300,
      deducted: 250,
      granted: 600,
      returned: 400,
    });
  });

  it("pages through 30 changes with Next to the oldest and back with Previous, each page exactly once, in order", async () => {
    const paged = aCustomer({ account: "paged@example.com" });
    await insertCustomers(harness.db, [paged]);
    const start = Date.now() - 3600_000;
    await harness.db.collection(collections.ledgerEntries).insertMany(
      Array.from({ length: 30 }, (_, i) => ({
        customerId: paged.customerId,
        kind: "balance.refill",
        amount: 100,
        after: 100 * (i + 1),
        currency: "USD",
        actorId: users.support,
        approvedBy: null,
        approvalId: null,
        reason: `change ${i + 1}`,
        idempotencyKey: `paged-${i}`,
        // Changes 11–20 share one time: the entry ID orders them.
        at: new Date(start + (i >= 10 && i < 20 ? 10 : i) * 60_000),
      })),
    );
    const changesOn = (blocks: unknown) =>
      [...visibleText(blocks).matchAll(/Reason: change (\d+)/g)].map((match) => Number(match[1]));
    const changes = (from: number, to: number) =>
      Array.from({ length: from - to + 1 }, (_, i) => from - i);

    const { responseUrl } = await harness.command(users.support, `billing ${paged.customerId}`);
    let page = await harness.slack.waitForResponse(responseUrl);
    const seen: number[][] = [changesOn(page.body.blocks)];
    for (const label of ["Next", "Next", "Previous", "Previous"]) {
      page = await harness.clickAndWait(users.support, buttonLabelled(page.body.blocks, label), {
        responseUrl,
      });
      expect(page.body.replace_original).toBe(true);
      seen.push(changesOn(page.body.blocks));
    }

    expect(seen).toEqual([
      changes(30, 21),
      changes(20, 11),
      changes(10, 1),
      changes(20, 11),
      changes(30, 21),
    ]);
    expect(visibleText(page.body.blocks)).toContain("page 1");
    const pageButtons = allButtons(page.body.blocks).filter((button) =>
      button.action_id.startsWith("billing_page:"),
    );
    expect(pageButtons.map((button) => button.text)).toEqual(["Next"]);
  });
});

describe("Slack retries (X-Slack-Retry-Num: 1) have no second effect", () => {
  const noEffectAfterRetry = async (text: string, userId: string = users.support) => {
    const triggerId = `${Date.now()}.${Math.floor(Math.random() * 1e9)}.retry`;
    const first = await harness.command(userId, text, { triggerId });
    await harness.slack.waitForResponse(first.responseUrl);
    const retry = await harness.command(userId, text, { triggerId, retryNum: 1 });
    expect(retry.status).toBe(200);
    await harness.slack.waitForResponse(retry.responseUrl).catch(() => undefined);
  };

  it("a balance change", async () => {
    await noEffectAfterRetry(`balance ${replayed.customerId} +10 retried`);
    expect(await moneyOf(harness, replayed.customerId)).toMatchObject({
      balance: 1000,
      entries: 1,
    });
  });

  it("a credits request", async () => {
    await noEffectAfterRetry(`credits ${replayed.customerId} 1 retried`);
    expect(
      await harness.db
        .collection(collections.approvals)
        .countDocuments({ customerId: replayed.customerId }),
    ).toBe(1);
  });

  it("an approval form submitted twice", async () => {
    const posted = await postedRequest(harness, replayed.account);
    const { responseUrl } = await harness.click(
      users.manager,
      buttonLabelled(posted.args.blocks, "Approve"),
    );
    const view = await harness.openedModal();
    await harness.submitModal(users.manager, view, { comment: "" }, { viewId: "VRETRY02" });
    await harness.slack.waitForResponse(responseUrl);
    await harness.submitModal(users.manager, view, { comment: "" }, { viewId: "VRETRY02" });
    await harness.slack.waitForResponse(responseUrl);
    expect(await moneyOf(harness, replayed.customerId)).toMatchObject({ credits: 100, entries: 2 });
  });

  it("a balance form submission", async () => {
    const card = await harness.ask(users.support, `show ${replayed.customerId}`);
    const { responseUrl } = await harness.click(
      users.support,
      buttonLabelled(card.body.blocks, "Manage balance"),
    );
    const view = await harness.openedModal();
    const values = { direction: "refill", amount: "5", reason: "form retried" };
    await harness.submitModal(users.support, view, values, { viewId: "VRETRY01" });
    await harness.submitModal(users.support, view, values, { viewId: "VRETRY01" });
    // Refills close the form first and answer on the response_url once done: wait for both answers.
    await expect.poll(() => harness.slack.responsesTo(responseUrl).length).toBe(2);
    const answers = harness.slack
      .responsesTo(responseUrl)
      .map((answer) => String(answer.body.text));
    // The repeat is answered with what the first submission did, marked as a repeat.
    expect(answers.filter((text) => text.includes("Refilled $5.00"))).toHaveLength(2);
    expect(answers.filter((text) => text.includes("nothing more was done"))).toHaveLength(1);
    expect(await moneyOf(harness, replayed.customerId)).toMatchObject({
      balance: 1500,
      entries: 3,
    });
  });

  it("everything sent to Slack stayed within Block Kit limits", () => {
    expect(harness.slack.limitViolations).toEqual([]);
  });
});
