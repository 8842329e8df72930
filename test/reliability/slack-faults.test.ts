/**
 * Issue #6 item 4: Slack's Web API or a response_url fails in the middle of a flow. Whatever Slack
 * does, the user gets a clear message where one can reach them, the stored state stays consistent
 * (ledger sums equal stored values, the pool adds up) and nothing is applied twice.
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { moneyOf, postedRequest } from "../support/money-helpers.js";
import { buttonLabelled, visibleText } from "../support/slack-blocks.js";
import {
  answerText,
  answerTo,
  changedCollections,
  moneyProblems,
  poolProblems,
  sleep,
  snapshotDatabase,
} from "./support/fault-tools.js";
import { recordScenario } from "./support/scenario-report.js";

let harness: Harness;
const rateLimited = aCustomer({ account: "rate.limited@example.com" });
const updateFails = aCustomer({ account: "update.fails@example.com" });
const noChannel = aCustomer({ account: "no.channel@example.com" });
const lateTrigger = aCustomer({ account: "late.trigger@example.com" });
const lostAnswers = aCustomer({ account: "lost.answers@example.com" });

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [
    rateLimited,
    updateFails,
    noChannel,
    lateTrigger,
    lostAnswers,
  ]);
  await harness.ask(users.admin, "pool set 100");
});
afterAll(() => harness.stop());

const approvalsChannelPosts = (account: string) =>
  harness.slack
    .callsTo("chat.postMessage")
    .filter(
      (call) =>
        call.args.channel === harness.config.approvalsChannelId &&
        JSON.stringify(call.args.blocks).includes(account),
    );

/** Whether a message still has its Approve/Reject buttons (an actions block). */
const hasButtons = (blocks: unknown) =>
  Array.isArray(blocks) && blocks.some((block) => (block as { type?: string }).type === "actions");

const logged = (fragment: string) => harness.logLines.some((line) => line.includes(fragment));

async function consistency(customerId: string): Promise<string[]> {
  return [...(await moneyProblems(harness, customerId)), ...(await poolProblems(harness))];
}

describe("the Web API fails while an approval request is posted or decided (the outbox retries)", () => {
  it("ratelimited with Retry-After on chat.postMessage: the receipt comes at once, the request is posted once after the pause", async () => {
    harness.slack.failNext("chat.postMessage", { error: "ratelimited", retryAfterSeconds: 1 });
    const started = Date.now();
    const receipt = await answerTo(
      harness,
      users.support,
      `credits ${rateLimited.customerId} 6 rate limited`,
    );
    const answeredMs = Date.now() - started;
    await harness.outboxDelivered();
    const attempts = approvalsChannelPosts(rateLimited.account);
    const pausedMs = (attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0);
    const delivered = (
      harness.slack.deliveredMessages()[harness.config.approvalsChannelId] ?? []
    ).filter((call) => JSON.stringify(call.args.blocks).includes(rateLimited.account));
    const approvals = await harness.db
      .collection(collections.approvals)
      .find({ customerId: rateLimited.customerId })
      .toArray();
    const text = answerText(receipt);
    const pass =
      text.includes("Approval requested") &&
      answeredMs < 1000 &&
      attempts.length === 2 &&
      pausedMs >= 1000 &&
      delivered.length === 1 &&
      approvals.length === 1 &&
      approvals[0]?.state === "pending" &&
      typeof approvals[0]?.message?.ts === "string";
    recordScenario({
      scenario: "slack faults / ratelimited (Retry-After 1) posting an approval request",
      attempts: 1,
      expected:
        "the receipt at once; posted after waiting Retry-After: 2 attempts ≥ 1 s apart, 1 message, 1 stored request with its message ts",
      observed: `answered in ${answeredMs} ms; ${attempts.length} attempts ${pausedMs} ms apart; ${delivered.length} delivered; ${approvals.length} stored (${approvals[0]?.state}, ts ${approvals[0]?.message?.ts ?? "none"})`,
      pass,
    });
  });

  it("HTTP 500 on the first 4 chat.update attempts after an approval: applied once, the approver and requester told at once, the message updated once Slack recovers; later clicks and the expiry sweep change nothing", async () => {
    await harness.ask(users.support, `credits ${updateFails.customerId} 8 update will fail`);
    const posted = await postedRequest(harness, updateFails.account);
    const approve = buttonLabelled(posted.args.blocks, "Approve");
    const reject = buttonLabelled(posted.args.blocks, "Reject");
    harness.slack.failNext("chat.update", { httpStatus: 500 }, 4);
    const approved = await harness.approve(users.manager, approve);
    const dm = await harness.slack.waitForCall(
      "chat.postMessage",
      (call) =>
        call.args.channel === users.support && String(call.args.text).includes(updateFails.account),
      5000,
    );
    await harness.outboxDelivered();
    const updates = harness.slack
      .callsTo("chat.update")
      .filter((call) => JSON.stringify(call.args).includes(updateFails.account));
    const updated = (
      harness.slack.deliveredMessages()[harness.config.approvalsChannelId] ?? []
    ).filter(
      (call) =>
        call.method === "chat.update" && JSON.stringify(call.args).includes(updateFails.account),
    );
    const buttonsGone = updated.length > 0 && !hasButtons(updated[0]?.args.blocks);
    const afterApproval = await moneyOf(harness, updateFails.customerId);

    const second = await harness.approve(users.admin, approve);
    const rejectClick = await harness.clickAndWait(users.admin, reject);
    harness.advanceClock(25 * 3600 * 1000);
    await harness.bot.expireOverdueApprovals();
    harness.advanceClock(-25 * 3600 * 1000);
    const late = await harness.approve(users.admin, approve);
    await harness.outboxDelivered();
    const approval = await harness.db
      .collection(collections.approvals)
      .findOne({ customerId: updateFails.customerId });
    const final = await moneyOf(harness, updateFails.customerId);
    const problems = await consistency(updateFails.customerId);
    const updatesAfter = harness.slack
      .callsTo("chat.update")
      .filter((call) => JSON.stringify(call.args).includes(updateFails.account)).length;
    const retriedLogged = logged("could not deliver an outbox message yet");
    const pass =
      String(approved.body.text).includes("Approved:") &&
      String(dm.args.text).includes("was approved") &&
      updates.length === 5 &&
      updated.length === 1 &&
      buttonsGone &&
      retriedLogged &&
      afterApproval.credits === 800 &&
      String(second.body.text).includes("already approved") &&
      String(rejectClick.body.text).includes("already approved") &&
      String(late.body.text).includes("already approved") &&
      approval?.state === "approved" &&
      final.credits === 800 &&
      final.entries === 1 &&
      updatesAfter === 5 &&
      problems.length === 0;
    recordScenario({
      scenario: "slack faults / HTTP 500 on chat.update after an approval",
      attempts: 5,
      expected:
        "approval applied once; approver answered 'Approved', requester DM'd; retries logged; the message updated once (buttons gone) when Slack recovers; a second Approve, a Reject and the expiry sweep change nothing",
      observed: `approver: “${approved.body.text}”; requester DM “${dm.args.text}”; ${updates.length} chat.update attempts, ${updated.length} delivered (buttons gone: ${buttonsGone}), retries logged: ${retriedLogged}; then: “${second.body.text}” / “${rejectClick.body.text}” / “${late.body.text}”; ${updatesAfter} updates in all; state ${approval?.state}; credits ${final.credits} in ${final.entries} entries; ${problems.join("; ") || "consistent"}`,
      pass,
    });
  });

  it("channel_not_found for the approvals channel (3 times, until an operator fixes it): the request stays stored and pending, can be approved from /customer approvals meanwhile, and is posted once, showing its outcome", async () => {
    harness.slack.failNext("chat.postMessage", { error: "channel_not_found" }, 3);
    const receipt = await answerTo(
      harness,
      users.support,
      `credits ${noChannel.customerId} 9 channel gone`,
    );
    const stored = await harness.db
      .collection(collections.approvals)
      .findOne({ customerId: noChannel.customerId });
    const list = await harness.ask(users.manager, "approvals");
    const listed = visibleText(list.body.blocks).includes(noChannel.account);
    const approveFromList = buttonLabelled(
      (list.body.blocks as { block_id?: string }[]).filter((block) =>
        JSON.stringify(block).includes(String(stored?._id)),
      ),
      "Approve",
    );
    const approved = await harness.approve(users.manager, approveFromList);
    const again = await harness.approve(users.manager, approveFromList);
    await harness.outboxDelivered();
    const channelMessages = (
      harness.slack.deliveredMessages()[harness.config.approvalsChannelId] ?? []
    ).filter((call) => JSON.stringify(call.args.blocks).includes(noChannel.account));
    const posts = channelMessages.filter((call) => call.method === "chat.postMessage");
    const last = channelMessages.at(-1);
    const showsOutcome =
      JSON.stringify(last?.args.blocks ?? "").includes("Approved by") &&
      !hasButtons(last?.args.blocks);
    const money = await moneyOf(harness, noChannel.customerId);
    const problems = await consistency(noChannel.customerId);
    const text = answerText(receipt);
    const pass =
      text.includes("Approval requested") &&
      stored?.state === "pending" &&
      logged("channel_not_found") &&
      listed &&
      String(approved.body.text).includes("Approved:") &&
      String(again.body.text).includes("already approved") &&
      posts.length === 1 &&
      showsOutcome &&
      money.credits === 900 &&
      money.entries === 1 &&
      problems.length === 0;
    recordScenario({
      scenario: "slack faults / channel_not_found for the approvals channel",
      attempts: 1,
      expected:
        "request stored and pending; failure logged and retried; approved from /customer approvals once; posted once when the channel works, its last message showing the outcome without buttons",
      observed: `receipt “${text.split("\n")[0]?.slice(0, 60)}”; stored ${stored?.state}; listed: ${listed}; approve “${approved.body.text}”, again “${again.body.text}”; ${posts.length} posts, last shows outcome: ${showsOutcome}; credits ${money.credits} in ${money.entries} entries; ${problems.join("; ") || "consistent"}`,
      pass,
    });
  });
});

describe("Slack refuses to open a form: expired_trigger_id on views.open", () => {
  it("every form the app opens answers 'Slack took too long' and stores nothing", async () => {
    await harness.ask(users.support, `credits ${lateTrigger.customerId} 1 to reject`);
    const posted = await postedRequest(harness, lateTrigger.account);
    const card = await harness.ask(users.support, `show ${lateTrigger.customerId}`);
    const before = await snapshotDatabase(harness.db);
    let n = 0;
    const expired = () => {
      n += 1;
      return `expired-${Date.now()}.${n}`;
    };
    // Each refused views.open is taken from the recording here, so later openedModal() calls see only new forms.
    const refusedOpen = (triggerId: string) =>
      harness.slack.waitForCall("views.open", (call) => call.args.trigger_id === triggerId);
    const viaCommand = async (text: string) => {
      const triggerId = expired();
      const { responseUrl } = await harness.command(users.support, text, { triggerId });
      const answer = await harness.slack.waitForResponse(responseUrl);
      await refusedOpen(triggerId);
      return answer;
    };
    const viaButton = async (userId: string, blocks: unknown, label: string) => {
      const triggerId = expired();
      const { responseUrl } = await harness.click(userId, buttonLabelled(blocks, label), {
        triggerId,
      });
      const answer = await harness.slack.waitForResponse(responseUrl);
      await refusedOpen(triggerId);
      return answer;
    };
    const forms: [string, () => Promise<{ body: Record<string, unknown> }>][] = [
      ["/customer create", () => viaCommand("create")],
      ["/customer edit", () => viaCommand(`edit ${lateTrigger.customerId}`)],
      ["/customer tag", () => viaCommand(`tag ${lateTrigger.customerId}`)],
      ["/customer balance", () => viaCommand(`balance ${lateTrigger.customerId}`)],
      ["/customer credits", () => viaCommand(`credits ${lateTrigger.customerId}`)],
      ["card: Manage balance", () => viaButton(users.support, card.body.blocks, "Manage balance")],
      ["card: Manage credits", () => viaButton(users.support, card.body.blocks, "Manage credits")],
      ["card: Edit", () => viaButton(users.support, card.body.blocks, "Edit")],
      ["approval: Reject", () => viaButton(users.manager, posted.args.blocks, "Reject")],
    ];
    const unclear: string[] = [];
    for (const [label, open] of forms) {
      const answer = await open();
      if (!answerText(answer).includes("Slack took too long to open the form. Please try again."))
        unclear.push(`${label}: “${answer.body.text}”`);
    }
    await sleep(100);
    const changed = changedCollections(before, await snapshotDatabase(harness.db));
    const failedOpens = harness.slack
      .callsTo("views.open")
      .filter((call) => String(call.args.trigger_id).startsWith("expired")).length;
    recordScenario({
      scenario: "slack faults / expired_trigger_id on views.open",
      attempts: forms.length,
      expected:
        "each of the 9 ways to open a form answers “Slack took too long to open the form. Please try again.”; nothing stored",
      observed: `${forms.length - unclear.length}/${forms.length} clear answers${unclear.length ? ` (unclear: ${unclear.join("; ")})` : ""}; ${failedOpens} refused views.open; changed collections [${changed.join(", ")}]`,
      pass: unclear.length === 0 && failedOpens === forms.length && changed.length === 0,
    });
  });
});

describe("the response_url fails after a balance change", () => {
  /** Uses up response_url failures the app did not consume, so they cannot leak into the next scenario. */
  const drainScriptedResponseUrlFailures = async () => {
    const scratch = harness.slack.responseUrl("scratch");
    for (let i = 0; i < 5; i += 1) {
      const response = await fetch(scratch, { method: "POST", body: "{}" });
      if (response.ok) return;
    }
  };

  /** Answers on `responseUrl` that would send the user to try again (a second, unwanted change). */
  const wentWrong = (responseUrl: string) =>
    harness.slack
      .responsesTo(responseUrl)
      .filter((response) => /went wrong|try again/i.test(answerText(response)));

  it.each([
    ["a command", "HTTP 404 (expired response_url)", { error: "expired_url" } as const, 2],
    ["a command", "HTTP 500 once", { httpStatus: 500 } as const, 1],
    ["a form submission", "HTTP 404 (expired response_url)", { error: "expired_url" } as const, 2],
    ["a form submission", "HTTP 500 once", { httpStatus: 500 } as const, 1],
  ])(
    "%s answered with %s: committed once, the failure logged, the user never told to try again",
    async (via, label, failure, times) => {
      const before = await moneyOf(harness, lostAnswers.customerId);
      const linesBefore = harness.logLines.length;
      let responseUrl: string;
      if (via === "a command") {
        harness.slack.failNext("response_url", failure, times);
        ({ responseUrl } = await harness.command(
          users.support,
          `balance ${lostAnswers.customerId} +10 lost answer`,
        ));
      } else {
        const card = await harness.ask(users.support, `show ${lostAnswers.customerId}`);
        ({ responseUrl } = await harness.click(
          users.support,
          buttonLabelled(card.body.blocks, "Manage balance"),
        ));
        const view = await harness.openedModal();
        harness.slack.failNext("response_url", failure, times);
        await harness.submitModal(users.support, view, {
          direction: "refill",
          amount: "10",
          reason: "lost form answer",
        });
      }
      await harness.slack.waitForResponse(responseUrl);
      await sleep(600);
      await drainScriptedResponseUrlFailures();
      const after = await moneyOf(harness, lostAnswers.customerId);
      const problems = await consistency(lostAnswers.customerId);
      const newLines = harness.logLines.slice(linesBefore);
      const failureLogged = newLines.some(
        (line) => line.includes('"level":50') && /response_url|respond/i.test(line),
      );
      // The first `times` posts failed; only what came after reached the user.
      const misleading = wentWrong(responseUrl).filter(
        (response) => harness.slack.responsesTo(responseUrl).indexOf(response) >= times,
      );
      const posts = harness.slack.responsesTo(responseUrl).length;
      // A failure that lasts (expired URL) leaves no way to reach the user; a passing one should not.
      const delivered = harness.slack
        .responsesTo(responseUrl)
        .slice(times)
        .some((response) => answerText(response).includes("→"));
      const answerExpected = label === "HTTP 500 once";
      recordScenario({
        scenario: `slack faults / response_url ${label} after a balance change through ${via}`,
        attempts: 1,
        expected: `the change is committed once (one ledger entry, balance +$10); ${answerExpected ? "the answer arrives on the second try" : "the failure is logged at error level"}; the user is never told something went wrong or to try again`,
        observed: `balance ${before.balance} → ${after.balance}, entries +${after.entries - before.entries}; failure logged: ${failureLogged}; ${posts} posts to the response_url, answer delivered: ${delivered}, ${misleading.length} saying “${misleading.map((response) => response.body.text).join(" / ")}”; ${problems.join("; ") || "consistent"}`,
        pass:
          after.balance === before.balance + 1000 &&
          after.entries === before.entries + 1 &&
          (answerExpected ? delivered : failureLogged && !delivered) &&
          misleading.length === 0 &&
          problems.length === 0,
      });
    },
  );

  it("everything sent to Slack stayed within Block Kit limits", () => {
    recordScenario({
      scenario: "slack faults / Block Kit limits of everything sent",
      attempts: harness.slack.calls.length,
      expected: "no limit violation",
      observed: `${harness.slack.limitViolations.length} violations`,
      pass: harness.slack.limitViolations.length === 0,
    });
  });
});
