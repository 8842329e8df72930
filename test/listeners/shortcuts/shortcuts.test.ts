import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../../src/db/collections.js";
import { type Harness, type SentView, startHarness, users } from "../../support/app-harness.js";
import { aCustomer, insertCustomers } from "../../support/customer-fixtures.js";
import { moneyOf, postedRequest } from "../../support/money-helpers.js";
import { sendInteraction, submitWithPick } from "../../support/picker.js";
import { globalShortcutPayload, messageShortcutPayload } from "../../support/slack/sign-request.js";
import { buttonLabelled, visibleText } from "../../support/slack-blocks.js";

let harness: Harness;
const ana = aCustomer({ account: "ana@shortcut.example", teamName: "Shortcut Team", balance: 500 });
const bo = aCustomer({ account: "bo@linked.example", teamName: "Linked Team", balance: 100 });

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [ana, bo]);
});
afterAll(() => harness.stop());

/** Runs a global shortcut as `userId`; the modal the app opened with that very trigger. */
async function useShortcut(userId: string, callbackId: string): Promise<SentView> {
  const triggerId = `${Date.now()}.1234.shortcut-${callbackId}`;
  const { status } = await sendInteraction(
    harness,
    globalShortcutPayload({ userId, callbackId, triggerId }),
  );
  expect(status).toBe(200);
  const call = await harness.slack.waitForCall(
    "views.open",
    (candidate) => candidate.args.trigger_id === triggerId,
  );
  return call.args.view as SentView;
}

describe("global shortcuts", () => {
  it.each([
    ["find_customer", "customer_pick_form", "Find a customer"],
    ["new_customer", "customer_create", "New customer"],
    ["change_balance", "customer_balance_form", "Manage balance"],
    ["request_credits", "customer_credits_form", "Manage credits"],
  ])("%s opens its modal with the shortcut's fresh trigger", async (callbackId, form, title) => {
    const view = await useShortcut(users.support, callbackId);
    expect(view.callback_id).toBe(form);
    expect((view.title as { text: string }).text).toBe(title);
    if (callbackId !== "new_customer")
      expect(JSON.stringify(view.blocks)).toContain('"type":"external_select"');
  });

  it("Find a customer: the picked customer's card comes by direct message", async () => {
    const view = await useShortcut(users.support, "find_customer");
    const { json } = await submitWithPick(harness, users.support, view, { value: ana.customerId });
    expect(json).toBeUndefined();
    const dm = await harness.slack.waitForCall(
      "chat.postMessage",
      (call) => call.args.channel === users.support,
    );
    const text = visibleText(dm.args.blocks);
    expect(text).toContain("ana@shortcut.example");
    expect(text).toContain(ana.customerId);
  });

  it("Change a balance: the answer names the picked customer, in the modal (there is no conversation)", async () => {
    const view = await useShortcut(users.support, "change_balance");
    const { json } = await submitWithPick(
      harness,
      users.support,
      view,
      { value: ana.customerId },
      { direction: "deduct", amount: "1", reason: "shortcut deduction" },
    );
    expect(json).toMatchObject({ response_action: "update" });
    expect(visibleText((json as { view: SentView }).view.blocks)).toContain(
      "Balance of *ana@shortcut.example*",
    );
    expect((await moneyOf(harness, ana.customerId)).balance).toBe(400);
  });

  it("someone without a role gets the no-access notice as a modal, and the refusal is recorded", async () => {
    const view = await useShortcut(users.outsider, "change_balance");
    expect(view.callback_id).toBeUndefined();
    expect(visibleText(view.blocks)).toContain("don't have access");
    await expect
      .poll(() =>
        harness.db.collection(collections.auditEvents).countDocuments({
          actorId: users.outsider,
          action: "access.refused",
          detail: "no role for shortcut change_balance",
        }),
      )
      .toBe(1);
  });
});

describe("message shortcut “Request a change for this message”", () => {
  it("opens the form with the message's first line as the reason, adds its permalink, and the change is made", async () => {
    const responseUrl = harness.slack.responseUrl();
    const triggerId = `${Date.now()}.5678.message-shortcut`;
    const { status } = await sendInteraction(
      harness,
      messageShortcutPayload({
        userId: users.support,
        callbackId: "request_change_for_message",
        text: "  \n  Please refund  the\u200B duplicate charge \nThanks!",
        responseUrl,
        channelId: "CSUPPORT1",
        messageTs: "1700000999.000200",
        triggerId,
      }),
    );
    expect(status).toBe(200);
    const opened = await harness.slack.waitForCall(
      "views.open",
      (call) => call.args.trigger_id === triggerId,
    );
    const view = opened.args.view as SentView;
    expect(view.callback_id).toBe("message_change_form");
    expect(JSON.stringify(view.blocks)).toContain(
      '"initial_value":"Please refund the duplicate charge"',
    );
    const permalinkCall = await harness.slack.waitForCall("chat.getPermalink");
    expect(permalinkCall.args).toMatchObject({
      channel: "CSUPPORT1",
      message_ts: "1700000999.000200",
    });
    const updated = await harness.slack.waitForCall("views.update", (call) =>
      String((call.args.view as SentView).private_metadata).includes("sourcePermalink"),
    );
    const withLink = updated.args.view as SentView;
    expect(JSON.parse(String(withLink.private_metadata)).sourcePermalink).toMatch(
      /^https:\/\/[a-z-]+\.slack\.com\/archives\/CSUPPORT1\/p1700000999000200$/,
    );
    await submitWithPick(
      harness,
      users.support,
      withLink,
      { value: ana.customerId },
      { change: "refill", amount: "2", reason: "Please refund the duplicate charge" },
    );
    const answer = await harness.slack.waitForResponse(responseUrl);
    expect(visibleText(answer.body.blocks)).toContain("Balance of *ana@shortcut.example*");
    expect((await moneyOf(harness, ana.customerId)).balance).toBe(600);
  });

  it("in a channel linked to a customer, the form starts with that customer; the credits request it sends shows approvers the message, and so does history once approved", async () => {
    await harness.ask(users.admin, "pool set 1000");
    const customer = await harness.bot.deps.channelLinks.linkedCustomerOf("CLINKED01");
    expect(customer).toBeNull();
    await harness.bot.deps.channelLinks.link(
      { channelId: "CLINKED01", isChannel: true },
      await harness.bot.deps.customers.get(bo.customerId),
      { userId: users.support, role: "support" },
    );
    const responseUrl = harness.slack.responseUrl();
    const triggerId = `${Date.now()}.9012.message-shortcut-linked`;
    await sendInteraction(
      harness,
      messageShortcutPayload({
        userId: users.support,
        callbackId: "request_change_for_message",
        text: "Could we get 30 credits for the migration?",
        responseUrl,
        channelId: "CLINKED01",
        messageTs: "1700000777.000100",
        triggerId,
      }),
    );
    const opened = await harness.slack.waitForCall(
      "views.open",
      (call) => call.args.trigger_id === triggerId,
    );
    expect(JSON.stringify((opened.args.view as SentView).blocks)).toContain(
      `"initial_option":{"text":{"type":"plain_text","text":"bo@linked.example`,
    );
    const updated = await harness.slack.waitForCall("views.update", (call) =>
      String((call.args.view as SentView).private_metadata).includes("p1700000777000100"),
    );
    const withLink = updated.args.view as SentView;
    const permalink = JSON.parse(String(withLink.private_metadata)).sourcePermalink as string;
    await submitWithPick(
      harness,
      users.support,
      withLink,
      { value: bo.customerId },
      { change: "credits", amount: "30", reason: "Could we get 30 credits for the migration?" },
    );
    const posted = await postedRequest(harness, bo.account);
    const shown = `<${permalink}|from this conversation>`;
    expect(visibleText(posted.args.blocks)).toContain(shown);
    await harness.approve(users.manager, buttonLabelled(posted.args.blocks, "Approve"));
    expect((await moneyOf(harness, bo.customerId)).credits).toBe(3000);
    const history = await harness.ask(users.support, `history ${bo.customerId}`);
    expect(visibleText(history.body.blocks)).toContain(shown);
  });

  it("a forged permalink in the form's metadata is refused as a damaged form, nothing changed", async () => {
    const before = await moneyOf(harness, ana.customerId);
    const { json } = await submitWithPick(
      harness,
      users.support,
      {
        callback_id: "message_change_form",
        private_metadata: JSON.stringify({ sourcePermalink: "https://evil.example/slack.com/x" }),
        blocks: [
          {
            type: "input",
            block_id: "change",
            element: { type: "static_select", action_id: "value" },
          },
          {
            type: "input",
            block_id: "amount",
            element: { type: "plain_text_input", action_id: "value" },
          },
          {
            type: "input",
            block_id: "reason",
            element: { type: "plain_text_input", action_id: "value" },
          },
        ],
      },
      { value: ana.customerId },
      { change: "refill", amount: "2", reason: "forged link" },
    );
    expect(visibleText((json as { view: SentView }).view.blocks)).toContain("damaged");
    expect(await moneyOf(harness, ana.customerId)).toEqual(before);
  });
});
