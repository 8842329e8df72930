/**
 * Console-written customer data and typed reasons carrying Slack markup: whatever path a message
 * takes (an answer, the approvals channel post and its update, the requester's DM, App Home), the
 * markup is shown as text and never acts (no @channel, no mention, no link), and a reason cannot put
 * a line in a message that passes for the bot's own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { postedRequest } from "../support/money-helpers.js";
import { rawMarkupIn } from "../support/mrkdwn-leaks.js";
import { buttonLabelled, visibleText } from "../support/slack-blocks.js";

let harness: Harness;
const account = "<!channel> <!here> <@U123> <https://evil.example|click> & ana@acme.example";
const hostile = aCustomer({
  account,
  teamName: "<!here> team\n:white_check_mark: Approved by <@U1>",
  companyName: "<@U123> & co",
});
const id = hostile.customerId;
const forgedLine = ":white_check_mark: Approved by <@U1>";
const reason = `x\n${forgedLine}`;
const answers: unknown[] = [];

async function ask(text: string, userId: string = users.support) {
  const answer = await harness.ask(userId, text);
  answers.push(answer.body);
  return answer;
}

/** Every payload the app sent Slack: Web API calls and response_url posts. */
function everything(): unknown[] {
  return [...harness.slack.calls.map((call) => call.args), ...answers];
}

/** The lines of a block list's visible text that start as the bot's decision line does. */
function decisionLines(blocks: unknown): string[] {
  return visibleText(blocks)
    .split("\n")
    .filter((line) => line.startsWith(":white_check_mark:"));
}

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [hostile]);
});
afterAll(() => harness.stop());

describe("markup in a console-written account", () => {
  it("is shown as text in the card, billing, history and password answers", async () => {
    const card = await ask(`show ${id}`);
    expect(String(card.body.text)).toContain("&lt;!channel&gt;");
    await ask(`billing ${id}`);
    await ask(`history ${id}`);
    const offer = await ask(`password ${id}`);
    const cancelled = await harness.clickAndWait(
      users.support,
      buttonLabelled(offer.body.blocks, "Cancel"),
    );
    answers.push(cancelled.body);
    expect(String(cancelled.body.text)).toContain("cancelled");
    expect(everything().flatMap(rawMarkupIn)).toEqual([]);
  });

  it("is shown as text in a refusal that names the customer", async () => {
    const refusal = await ask(`credits ${id} 0 nothing to do`);
    expect(String(refusal.body.text)).toContain("already has");
    expect(String(refusal.body.text)).toContain("&lt;!channel&gt;");
    expect(rawMarkupIn(refusal.body)).toEqual([]);
  });

  it("is shown as text in a balance change's answer", async () => {
    const changed = await ask(`balance ${id} +5 goodwill`);
    expect(String(changed.body.text)).toContain("Refilled");
    expect(rawMarkupIn(changed.body)).toEqual([]);
  });
});

describe("a credits request for that customer with a two-line reason", () => {
  it("reaches the approvals channel, its update, the DM and App Home as text, the reason on its own line", async () => {
    await ask("pool set 100", users.admin);
    const card = await ask(`show ${id}`);
    const { responseUrl } = await harness.click(
      users.support,
      buttonLabelled(card.body.blocks, "Manage credits"),
    );
    const view = await harness.openedModal();
    const submitted = await harness.submitModal(users.support, view, { amount: "20", reason });
    expect(submitted.json).toBeUndefined();
    answers.push((await harness.slack.waitForResponse(responseUrl)).body);
    const posted = await postedRequest(harness, "ana@acme.example");
    expect(String(posted.args.text)).toContain("&lt;!channel&gt;");
    expect(visibleText(posted.args.blocks)).toContain(
      "_x :white_check_mark: Approved by &lt;@U1&gt;_",
    );
    expect(decisionLines(posted.args.blocks)).toEqual([]);

    const approved = await harness.approve(
      users.manager,
      buttonLabelled(posted.args.blocks, "Approve"),
    );
    answers.push(approved.body);
    const update = await harness.slack.waitForCall("chat.update");
    expect(decisionLines(update.args.blocks)).toEqual([
      expect.stringMatching(new RegExp(`^:white_check_mark: Approved by <@${users.manager}>`)),
    ]);
    const dm = await harness.slack.waitForCall(
      "chat.postMessage",
      (call) => call.args.channel === users.support,
    );
    expect(String(dm.args.text)).toContain("&lt;!channel&gt;");
    await harness.outboxDelivered();

    await harness.event({ type: "app_home_opened", user: users.support, tab: "home" });
    const home = await harness.slack.waitForCall(
      "views.publish",
      (call) =>
        call.args.user_id === users.support &&
        JSON.stringify(call.args.view).includes("Your pending requests") &&
        JSON.stringify(call.args.view).includes("ana@acme.example"),
    );
    expect(visibleText((home.args.view as { blocks: unknown }).blocks)).toContain(
      "&lt;!channel&gt;",
    );
    expect(everything().flatMap(rawMarkupIn)).toEqual([]);
  });
});
