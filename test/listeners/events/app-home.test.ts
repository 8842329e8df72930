import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness, users } from "../../support/app-harness.js";
import { aCustomer, insertCustomers } from "../../support/customer-fixtures.js";
import { moneyOf, postedRequest } from "../../support/money-helpers.js";
import { allButtons, buttonLabelled, visibleText } from "../../support/slack-blocks.js";

let harness: Harness;
const customer = aCustomer({ account: "home.approval@example.com" });

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [customer]);
  await harness.ask(users.admin, "pool set 70");
  await harness.ask(users.support, `credits ${customer.customerId} 20 from home`);
  await postedRequest(harness, customer.account);
});
afterAll(() => harness.stop());

async function openHome(userId: string) {
  harness.slack.reset();
  await harness.event({ type: "app_home_opened", user: userId, tab: "home", channel: "D0HOME" });
  const publish = await harness.slack.waitForCall(
    "views.publish",
    (call) => call.args.user_id === userId,
  );
  return publish.args.view as { blocks: unknown[] };
}

describe("App Home", () => {
  it("support sees the pool and their own pending request with Withdraw, but no Approve button", async () => {
    const home = await openHome(users.support);
    const text = visibleText(home.blocks);
    expect(text).toContain("*Left*\n$70.00");
    expect(text).toContain("*Requested, pending*\n$20.00");
    expect(text).not.toContain("Waiting for your decision");
    expect(text).toContain("*Your pending requests (1)*");
    expect(text).toContain("*Credits change* for *home.approval@example.com*");
    expect(allButtons(home.blocks).map((b) => b.text)).toEqual([
      "Find a customer",
      "Pick a customer",
      "New customer",
      "Invite customer",
      "Withdraw",
    ]);
  });

  it("a manager approves from Home: the form answers in itself; the channel message and Home both show the outcome", async () => {
    const home = await openHome(users.manager);
    const approve = buttonLabelled(home.blocks, "Approve");
    const { status } = await harness.clickInHome(users.manager, approve);
    expect(status).toBe(200);
    const form = await harness.openedModal();
    const { json } = await harness.submitModal(users.manager, form, { comment: "from home" });
    expect(json).toMatchObject({ response_action: "update" });
    expect(visibleText((json as { view: { blocks: unknown[] } }).view.blocks)).toContain(
      "Approved:",
    );
    const update = await harness.slack.waitForCall("chat.update", (call) =>
      JSON.stringify(call.args.blocks).includes(customer.account),
    );
    expect(visibleText(update.args.blocks)).toContain(`Approved by <@${users.manager}>`);
    const refreshed = await harness.slack.waitForCall(
      "views.publish",
      (call) => call.args.user_id === users.manager,
    );
    const text = visibleText((refreshed.args.view as { blocks: unknown[] }).blocks);
    expect(text).toContain("*Waiting for your decision (0)*");
    expect(text).toContain("*Left*\n$50.00");
    expect(text).toContain("granted credits to *home.approval@example.com*");
    expect((await moneyOf(harness, customer.customerId)).credits).toBe(2000);
  });

  it("everything published stayed within Block Kit limits", () => {
    expect(harness.slack.limitViolations).toEqual([]);
  });
});
