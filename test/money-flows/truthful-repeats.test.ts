/**
 * Every answer to a retried or raced request states what actually happened: a repeat of an applied
 * change is answered with the change (never a refusal decided from the balance it already changed),
 * and a refused change leaves nothing behind, so a corrected resubmission of its form applies.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { moneyOf, postedRequest } from "../support/money-helpers.js";
import { buttonLabelled, visibleText } from "../support/slack-blocks.js";

let harness: Harness;
const retried = aCustomer({ account: "retried@example.com", balance: 700 });
const doubled = aCustomer({ account: "doubled@example.com", balance: 700 });
const raced = aCustomer({ account: "raced@example.com", balance: 10_000 });
const requested = aCustomer({ account: "requested@example.com" });

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [retried, doubled, raced, requested]);
  await harness.ask(users.admin, "pool set 100");
});
afterAll(() => harness.stop());

const refusedDeductions = (customerId: string) =>
  harness.db.collection(collections.auditEvents).countDocuments({
    action: "balance.deduct",
    outcome: "refused",
    "target.customerId": customerId,
  });

/** Opens the balance form from the customer's card; its answers arrive on the card's response_url. */
async function balanceForm(customerId: string) {
  const card = await harness.ask(users.support, `show ${customerId}`);
  const { responseUrl } = await harness.click(
    users.support,
    buttonLabelled(card.body.blocks, "Manage balance"),
  );
  const view = await harness.openedModal();
  let answered = 0;
  return {
    view,
    /** What the submission was answered with: its field errors, or the next answer in the conversation. */
    async answerOf(submitted: { json?: unknown }): Promise<string> {
      const json = (submitted.json ?? {}) as {
        response_action?: string;
        errors?: Record<string, string>;
      };
      if (json.response_action === "errors") return `errors: ${JSON.stringify(json.errors)}`;
      answered += 1;
      await expect.poll(() => harness.slack.responsesTo(responseUrl).length).toBe(answered);
      const answer = harness.slack.responsesTo(responseUrl)[answered - 1];
      return visibleText((answer?.body.blocks ?? []) as never);
    },
  };
}

describe("a repeat is recognised before anything is decided from the data it changed", () => {
  it("a Slack retry of an applied deduction is answered with the deduction, not a refusal", async () => {
    const triggerId = `${Date.now()}.1.retried-deduction`;
    const text = `balance ${retried.customerId} -5 late fee`;
    const first = await harness.command(users.support, text, { triggerId });
    const firstAnswer = await harness.slack.waitForResponse(first.responseUrl);
    expect(firstAnswer.body.text).toContain("$7.00 → $2.00");

    const retry = await harness.command(users.support, text, { triggerId, retryNum: 1 });
    const retryAnswer = await harness.slack.waitForResponse(retry.responseUrl);
    expect(retryAnswer.body.text).toContain("$7.00 → $2.00");
    expect(retryAnswer.body.text).toContain("nothing more was done");
    expect(retryAnswer.body.text).not.toContain("Cannot deduct");
    expect(await refusedDeductions(retried.customerId)).toBe(0);
    expect(await moneyOf(harness, retried.customerId)).toMatchObject({ balance: 200, entries: 1 });
  });

  it("a double submit of a deduction form shows the second submission the deduction, not a field error", async () => {
    const form = await balanceForm(doubled.customerId);
    const values = { direction: "deduct", amount: "5", reason: "double submit" };
    const submit = () =>
      harness.submitModal(users.support, form.view, values, { viewId: "VDOUBLE1" });
    expect(await form.answerOf(await submit())).toContain("$7.00 → *$2.00*");
    const second = await form.answerOf(await submit());
    expect(second).toContain("$7.00 → *$2.00*");
    expect(second).toContain("nothing more was done");
    expect(await refusedDeductions(doubled.customerId)).toBe(0);
    expect(await moneyOf(harness, doubled.customerId)).toMatchObject({ balance: 200, entries: 1 });
  });

  it("a retried credits request answered after its decision says what became of it", async () => {
    const triggerId = `${Date.now()}.2.retried-request`;
    const text = `credits ${requested.customerId} 10 trial`;
    const first = await harness.command(users.support, text, { triggerId });
    await harness.slack.waitForResponse(first.responseUrl);
    const posted = await postedRequest(harness, requested.account);
    await harness.approve(users.manager, buttonLabelled(posted.args.blocks, "Approve"));

    const retry = await harness.command(users.support, text, { triggerId, retryNum: 1 });
    const answer = await harness.slack.waitForResponse(retry.responseUrl);
    expect(answer.body.text).toContain("already sent for approval and has since been approved");
    expect(answer.body.text).not.toContain("already has");
    expect(await moneyOf(harness, requested.customerId)).toMatchObject({ credits: 1000 });
  });
});

describe("a refused change leaves no key behind", () => {
  it("the loser of two concurrent deductions corrects the amount on the same form and it applies", async () => {
    const forms = [await balanceForm(raced.customerId), await balanceForm(raced.customerId)];
    const viewIds = ["VRACE001", "VRACE002"];
    const deduct80 = { direction: "deduct", amount: "80", reason: "race" };
    const submitted = await Promise.all(
      forms.map((form, at) =>
        harness.submitModal(users.support, form.view, deduct80, { viewId: viewIds[at] }),
      ),
    );
    const answers = await Promise.all(submitted.map((answer, at) => forms[at]?.answerOf(answer)));
    const lost = answers.findIndex((answer) => answer?.startsWith("errors:"));
    expect(answers.filter((answer) => answer?.includes("$100.00 → *$20.00*"))).toHaveLength(1);
    expect(answers[lost]).toContain("the balance is only $20.00");

    const loser = forms[lost];
    if (!loser) throw new Error("no submission lost the race");
    const corrected = await loser.answerOf(
      await harness.submitModal(
        users.support,
        loser.view,
        { ...deduct80, amount: "20" },
        { viewId: viewIds[lost] },
      ),
    );
    expect(corrected).toContain("$20.00 → *$0.00*");
    expect(corrected).not.toContain("already");
    expect(await moneyOf(harness, raced.customerId)).toMatchObject({
      balance: 0,
      entries: 2,
    });
  });
});
