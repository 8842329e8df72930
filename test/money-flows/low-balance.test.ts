import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { moneyOf, postedRequest } from "../support/money-helpers.js";
import { buttonLabelled, visibleText } from "../support/slack-blocks.js";

const auditChannel = "CAUDIT0001";
const alertsChannel = "CALERTS001";

/** The low-balance lines Slack received in `channel`, in order. */
async function lowBalanceLines(harness: Harness, channel: string): Promise<string[]> {
  await harness.outboxDelivered();
  return (harness.slack.deliveredMessages()[channel] ?? [])
    .map((call) => String(call.args.text))
    .filter((text) => text.includes("Low balance"));
}

describe("low-balance alerts, with ALERTS_CHANNEL_ID", () => {
  let harness: Harness;
  const falling = aCustomer({ account: "falling@example.com", balance: 30_000 });
  const raced = aCustomer({ account: "raced.low@example.com", balance: 30_000 });

  beforeAll(async () => {
    harness = await startHarness({
      env: {
        AUDIT_CHANNEL_ID: auditChannel,
        ALERTS_CHANNEL_ID: alertsChannel,
        LOW_BALANCE_THRESHOLD: "100",
      },
    });
    await insertCustomers(harness.db, [falling, raced]);
  });
  afterAll(() => harness.stop());

  it("a deduction across the threshold posts one line there; a further deduction below posts none", async () => {
    await harness.ask(users.support, `balance ${falling.customerId} -250 migration to new plan`);
    expect(await lowBalanceLines(harness, alertsChannel)).toEqual([
      `:warning: Low balance: *falling@example.com* (\`${falling.customerId}\`) fell to *$50.00* (below $100.00) after a deduction of $250.00 by <@${users.support}>`,
    ]);

    await harness.ask(users.support, `balance ${falling.customerId} -10 small fee`);
    expect(await lowBalanceLines(harness, alertsChannel)).toHaveLength(1);
    expect(await lowBalanceLines(harness, auditChannel)).toEqual([]);
  });

  it("a refill back above re-arms it: the next fall, through an approval, posts a second line naming the approver", async () => {
    await harness.ask(users.support, `balance ${falling.customerId} +200 top-up`);
    expect((await moneyOf(harness, falling.customerId)).balance).toBe(24_000);
    // $250 + $10 + $200 already today: this one passes the rolling limit and needs a manager.
    const asked = await harness.ask(users.support, `balance ${falling.customerId} -200 refund`);
    expect(visibleText(asked.body.blocks)).toContain("Approval requested");
    expect(await lowBalanceLines(harness, alertsChannel)).toHaveLength(1);
    const posted = await postedRequest(harness, falling.account);
    await harness.approve(users.manager, buttonLabelled(posted.args.blocks, "Approve"));

    const lines = await lowBalanceLines(harness, alertsChannel);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(
      `:warning: Low balance: *falling@example.com* (\`${falling.customerId}\`) fell to *$40.00* (below $100.00) after a deduction of $200.00 by <@${users.support}>, approved by <@${users.manager}>`,
    );
  });

  it("10 concurrent deductions across the threshold post exactly one line", async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        harness.ask(users.manager, `balance ${raced.customerId} -30 usage`),
      ),
    );
    expect(answers.every((answer) => String(answer.body.text).includes("Deducted $30.00"))).toBe(
      true,
    );
    expect((await moneyOf(harness, raced.customerId)).balance).toBe(0);
    const lines = (await lowBalanceLines(harness, alertsChannel)).filter((line) =>
      line.includes(raced.account),
    );
    expect(lines).toEqual([expect.stringContaining("fell to *$90.00* (below $100.00)")]);
  });

  it("a refused deduction changes nothing and posts nothing", async () => {
    const before = await harness.db
      .collection(collections.outbox)
      .countDocuments({ "owed.kind": "balance.low" });
    const reply = await harness.ask(users.support, `balance ${falling.customerId} -1000 too much`);
    expect(reply.body.text).toContain("Cannot deduct $1,000.00");
    expect(
      await harness.db
        .collection(collections.outbox)
        .countDocuments({ "owed.kind": "balance.low" }),
    ).toBe(before);
  });
});

describe("low-balance alerts without ALERTS_CHANNEL_ID", () => {
  let harness: Harness;
  const customer = aCustomer({ account: "audit.only@example.com", balance: 15_000 });

  beforeAll(async () => {
    harness = await startHarness({
      env: { AUDIT_CHANNEL_ID: auditChannel, LOW_BALANCE_THRESHOLD: "$100.00" },
    });
    await insertCustomers(harness.db, [customer]);
  });
  afterAll(() => harness.stop());

  it("go to the audit channel, after the change's own audit line", async () => {
    await harness.ask(users.support, `balance ${customer.customerId} -75 downgrade`);
    await harness.outboxDelivered();
    const texts = (harness.slack.deliveredMessages()[auditChannel] ?? []).map((call) =>
      String(call.args.text),
    );
    expect(texts).toEqual([
      expect.stringContaining("deducted from the balance of *audit.only@example.com*"),
      `:warning: Low balance: *audit.only@example.com* (\`${customer.customerId}\`) fell to *$75.00* (below $100.00) after a deduction of $75.00 by <@${users.support}>`,
    ]);
  });
});

describe("low-balance alerts with no channel to post to", () => {
  let harness: Harness;
  const customer = aCustomer({ account: "unwatched@example.com", balance: 15_000 });

  beforeAll(async () => {
    harness = await startHarness({ env: { LOW_BALANCE_THRESHOLD: "100" } });
    await insertCustomers(harness.db, [customer]);
  });
  afterAll(() => harness.stop());

  it("owe nothing: the deduction applies and nothing is posted", async () => {
    const reply = await harness.ask(users.support, `balance ${customer.customerId} -75 downgrade`);
    expect(reply.body.text).toContain("$150.00 → $75.00");
    await harness.outboxDelivered();
    expect(
      await harness.db
        .collection(collections.outbox)
        .countDocuments({ "owed.kind": "balance.low" }),
    ).toBe(0);
    expect(
      harness.slack
        .callsTo("chat.postMessage")
        .filter((call) => String(call.args.text).includes("Low balance")),
    ).toEqual([]);
  });
});
