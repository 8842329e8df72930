/**
 * Issue #13 item 5: every Web API call has a timeout — 2.5 s, no retry, on its own client for calls
 * that open or update modals; 10 s for background calls — and Home publishes carry `views.publish`'s
 * `hash`, so an older render never overwrites a newer Home.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, type SentView, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { postedRequest } from "../support/money-helpers.js";
import { buttonLabelled, visibleText } from "../support/slack-blocks.js";
import { answerText, changedCollections, sleep, snapshotDatabase } from "./support/fault-tools.js";

let harness: Harness;
const customer = aCustomer({ account: "slow.slack@example.com" });
const racing = aCustomer({ account: "racing.home@example.com" });

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [customer, racing]);
  await harness.ask(users.admin, "pool set 100");
});
afterAll(() => harness.stop());

async function openHome(userId: string) {
  await harness.event({ type: "app_home_opened", user: userId, tab: "home", channel: "D0HOME" });
  const publish = await harness.slack.waitForCall(
    "views.publish",
    (call) => call.args.user_id === userId,
  );
  return publish.args.view as { blocks: unknown[] };
}

const homeText = (userId: string) =>
  visibleText((harness.slack.homeView(userId) as { blocks?: unknown[] } | undefined)?.blocks ?? []);

describe("a Slack that does not answer a form's views.open", () => {
  it("the button answers 'Slack took too long … Please try again' within about 2.5 s and stores nothing", async () => {
    const card = await harness.ask(users.support, `show ${customer.customerId}`);
    const before = await snapshotDatabase(harness.db);
    const hang = harness.slack.addFault({ method: "views.open", fault: { kind: "hang" } });
    try {
      const started = Date.now();
      const { responseUrl } = await harness.click(
        users.support,
        buttonLabelled(card.body.blocks, "Edit"),
      );
      const answer = await harness.slack.waitForResponse(responseUrl, () => true, 6000);
      const waitedMs = Date.now() - started;

      expect(answerText(answer)).toContain(
        "Slack took too long to open the form. Please try again.",
      );
      expect(waitedMs).toBeGreaterThanOrEqual(2400);
      expect(waitedMs).toBeLessThan(3500);
      expect(hang.hits).toBe(1);
      await sleep(100);
      expect(changedCollections(before, await snapshotDatabase(harness.db))).toEqual([]);
    } finally {
      hang.clear();
    }
  });
});

describe("forms do not wait behind background calls", () => {
  it("while a Home answer's chat.postMessage hangs, New customer still opens its form at once", async () => {
    const home = await openHome(users.support);
    const hang = harness.slack.addFault({
      method: "chat.postMessage",
      channel: users.support,
      fault: { kind: "hang", onClear: "answer" },
    });
    try {
      await harness.clickInHome(users.support, buttonLabelled(home.blocks, "Find a customer"));
      await harness.slack.waitForCall("chat.postMessage", (call) => call.fault?.kind === "hang");
      const started = Date.now();
      await harness.clickInHome(users.support, buttonLabelled(home.blocks, "New customer"));
      await harness.slack.waitForCall("views.open", (call) => call.at >= started, 1000);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      hang.clear();
    }
  });

  it("while a rate limit holds back a Home answer's chat.postMessage, New customer still opens its form at once", async () => {
    const home = await openHome(users.support);
    harness.slack.addFault({
      method: "chat.postMessage",
      channel: users.support,
      times: 1,
      fault: { kind: "ratelimited", retryAfterSeconds: 3 },
    });
    await harness.clickInHome(users.support, buttonLabelled(home.blocks, "Find a customer"));
    await harness.slack.waitForCall(
      "chat.postMessage",
      (call) => call.fault?.kind === "ratelimited",
    );
    const started = Date.now();
    await harness.clickInHome(users.support, buttonLabelled(home.blocks, "New customer"));
    // Slack's trigger_id lasts 3 s: a form held back for the rate limit could not open at all.
    await harness.slack.waitForCall("views.open", (call) => call.at >= started, 1500);
    expect(Date.now() - started).toBeLessThan(1500);
    // The held-back answer is still delivered once the rate limit has passed.
    await harness.slack.waitForCall(
      "chat.postMessage",
      (call) => call.args.channel === users.support && call.fault === undefined,
      5000,
    );
  });
});

describe("two Home publishes racing", () => {
  it("a slower, older render landing last does not overwrite the newer Home: it is refused and rendered again", async () => {
    await harness.ask(users.support, `credits ${racing.customerId} 10 racing homes`);
    await postedRequest(harness, racing.account);
    const home = await openHome(users.manager);
    expect(visibleText(home.blocks)).toContain("Waiting for your decision (1)");

    // The manager opens Home again; that render (still showing the request pending) reaches Slack late.
    harness.slack.addFault({
      method: "views.publish",
      times: 1,
      fault: { kind: "delay", ms: 1500 },
    });
    await harness.event({
      type: "app_home_opened",
      user: users.manager,
      tab: "home",
      channel: "D0HOME",
    });
    const slow = await harness.slack.waitForCall(
      "views.publish",
      (call) => call.args.user_id === users.manager && call.fault?.kind === "delay",
    );
    expect(visibleText((slow.args.view as { blocks: unknown[] }).blocks)).toContain(
      "Waiting for your decision (1)",
    );
    // It names the Home it replaces, so Slack can refuse it once that Home is gone.
    expect(slow.args.hash).toEqual(expect.any(String));
    // Meanwhile they approve from Home, and the refreshed Home (nothing pending) lands first.
    await harness.clickInHome(users.manager, buttonLabelled(home.blocks, "Approve"));
    const form = await harness.slack.waitForCall(
      "views.open",
      (call) => (call.args.view as SentView).callback_id === "approval_approve_form",
    );
    await harness.submitModal(users.manager, form.args.view as SentView, { comment: "" });
    await harness.slack.waitForCall(
      "views.publish",
      (call) =>
        call.args.user_id === users.manager &&
        visibleText((call.args.view as { blocks: unknown[] }).blocks).includes(
          "Waiting for your decision (0)",
        ),
      3000,
    );
    await sleep(2500);

    expect(homeText(users.manager)).toContain("Waiting for your decision (0)");
    expect(homeText(users.manager)).toContain("granted credits to *racing.home@example.com*");
  });

  it("everything published stayed within Block Kit limits", () => {
    expect(harness.slack.limitViolations).toEqual([]);
  });
});
