import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { moneyOf, postedRequest } from "../support/money-helpers.js";
import type { RecordedCall } from "../support/slack/fake-slack-api.js";
import { buttonLabelled, visibleText } from "../support/slack-blocks.js";

// BALANCE_APPROVAL_LIMIT is the default, $500.00.
let harness: Harness;
const split = aCustomer({ account: "split@example.com", balance: 100_000 });
const neighbour = aCustomer({ account: "neighbour@example.com" });
const raced = aCustomer({ account: "raced@example.com" });
const managed = aCustomer({ account: "managed@example.com" });
const aged = aCustomer({ account: "aged@example.com" });

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [split, neighbour, raced, managed, aged]);
});
afterAll(() => harness.stop());

/** Changes the balance through the card's Manage balance form and returns the answer's text. */
async function changeThroughForm(
  userId: string,
  account: string,
  direction: "refill" | "deduct",
  amount: string,
  reason: string,
): Promise<string> {
  const card = await harness.ask(userId, `show ${account}`);
  const { responseUrl } = await harness.click(
    userId,
    buttonLabelled(card.body.blocks, "Manage balance"),
  );
  const view = await harness.openedModal();
  await harness.submitModal(userId, view, { direction, amount, reason });
  const answer = await harness.slack.waitForResponse(responseUrl);
  return `${answer.body.text}\n${visibleText(answer.body.blocks)}`;
}

/** The fifth change's request, as posted to the approvals channel. */
let fifthRequest: RecordedCall;

const approvalsFor = (customerId: string) =>
  harness.db.collection(collections.approvals).find({ customerId }).toArray();

describe("the approval limit applies to a support member's changes summed over 24 hours", () => {
  it("four changes under the limit apply; the fifth that crosses it becomes a request listing the four", async () => {
    const first = await changeThroughForm(
      users.support,
      split.account,
      "refill",
      "100",
      "first top-up",
    );
    expect(first).toContain("$1,000.00 → $1,100.00");
    for (const text of ["+100 second top-up", "-100 corrected overcharge", "+100 fourth top-up"]) {
      const answer = await harness.ask(users.support, `balance ${split.customerId} ${text}`);
      expect(answer.body.text).toMatch(/^(Refilled|Deducted) \$100\.00/);
    }
    expect((await moneyOf(harness, split.customerId)).balance).toBe(120_000);

    const fifth = await changeThroughForm(
      users.support,
      split.account,
      "refill",
      "150",
      "fifth top-up",
    );

    expect(fifth).toContain("Approval requested");
    expect(fifth).toContain(
      `with the earlier 4 direct changes by <@${users.support}> to this customer in 24 h (total $400.00), it would make $550.00 and pass the $500.00 limit`,
    );
    expect(await moneyOf(harness, split.customerId)).toMatchObject({
      balance: 120_000,
      ledgerBalance: 20_000,
      entries: 4,
    });
    fifthRequest = await postedRequest(harness, split.account);
    const message = visibleText(fifthRequest.args.blocks);
    expect(message).toContain("$1,200.00 → *$1,350.00* (+$150.00)");
    expect(message).toContain("total $400.00");
    const listed = ["fourth top-up", "corrected overcharge", "second top-up", "first top-up"];
    for (const reason of listed) expect(message).toContain(reason);
    // Newest first, with each one's amount.
    const order = listed.map((reason) => message.indexOf(reason));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(message).toMatch(/−\$100\.00 — _corrected overcharge_/);
  });

  it("the approved request applies and is not summed with later changes; the request's own change is not either", async () => {
    await harness.approve(users.manager, buttonLabelled(fifthRequest.args.blocks, "Approve"));
    expect((await moneyOf(harness, split.customerId)).balance).toBe(135_000);

    // The four direct ones still sum to $400.00: $100 more reaches the limit without passing it.
    const atLimit = await harness.ask(
      users.support,
      `balance ${split.customerId} +100 at the limit`,
    );
    expect(atLimit.body.text).toContain("$1,350.00 → $1,450.00");
    const over = await harness.ask(users.support, `balance ${split.customerId} -0.01 one cent`);
    expect(visibleText(over.body.blocks)).toContain(
      "with the earlier 5 direct changes by <@USUPPORT01> to this customer in 24 h (total $500.00), it would make $500.01",
    );
    expect((await moneyOf(harness, split.customerId)).balance).toBe(145_000);
  });

  it("another support member's changes, and the same member's changes to another customer, are not summed", async () => {
    const colleague = await harness.ask(
      users.groupSupport,
      `balance ${split.customerId} +400 colleague's top-up`,
    );
    expect(colleague.body.text).toContain("$1,450.00 → $1,850.00");
    const elsewhere = await harness.ask(
      users.support,
      `balance ${neighbour.customerId} +500 another customer`,
    );
    expect(elsewhere.body.text).toContain("$0.00 → $500.00");
  });

  it("a manager's direct changes are not limited, one by one or summed", async () => {
    for (let i = 0; i < 3; i += 1) {
      const answer = await harness.ask(users.manager, `balance ${managed.customerId} +400 bulk`);
      expect(answer.body.text).toContain("Refilled $400.00");
    }
    expect((await moneyOf(harness, managed.customerId)).balance).toBe(120_000);
    expect(await approvalsFor(managed.customerId)).toHaveLength(0);
  });

  it("20 concurrent $50 changes cannot together pass the $500 limit: 10 apply, 10 become requests, every answer says which", async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        harness.ask(users.support, `balance ${raced.customerId} +50 racing ${i}`),
      ),
    );
    const texts = answers.map((answer) => visibleText(answer.body.blocks));
    const applied = texts.filter((text) => text.includes("Refilled $50.00"));
    const requested = texts.filter((text) => text.includes("Approval requested"));
    expect(applied).toHaveLength(10);
    expect(requested).toHaveLength(10);
    for (const text of requested) expect(text).toContain("(total $500.00), it would make $550.00");
    const money = await moneyOf(harness, raced.customerId);
    expect(money).toMatchObject({ balance: 50_000, ledgerBalance: 50_000, entries: 10 });
    const approvals = await approvalsFor(raced.customerId);
    expect(approvals).toHaveLength(10);
    for (const approval of approvals)
      expect(approval.summedWith).toMatchObject({ count: 10, total: 50_000, limit: 50_000 });
  });

  it("changes older than 24 hours are not summed", async () => {
    const morning = await harness.ask(users.support, `balance ${aged.customerId} +300 morning`);
    expect(morning.body.text).toContain("$0.00 → $300.00");
    harness.advanceClock(23 * 3600_000);
    const nextDay = await harness.ask(users.support, `balance ${aged.customerId} +300 next day`);
    expect(visibleText(nextDay.body.blocks)).toContain(
      "with the earlier 1 direct change by <@USUPPORT01> to this customer in 24 h (total $300.00)",
    );
    harness.advanceClock(3600_000 + 60_000);
    const later = await harness.ask(users.support, `balance ${aged.customerId} +500 a day later`);
    expect(later.body.text).toContain("$300.00 → $800.00");
  });
});
