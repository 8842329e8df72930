import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionIds } from "../../../src/blocks/action-ids.js";
import { collections } from "../../../src/db/collections.js";
import { type Harness, startHarness, users } from "../../support/app-harness.js";
import { aCustomer, insertCustomers } from "../../support/customer-fixtures.js";
import { moneyOf, postedRequest } from "../../support/money-helpers.js";
import type { RecordedCall } from "../../support/slack/fake-slack-api.js";
import {
  allButtons,
  buttonLabelled,
  type FoundButton,
  visibleText,
} from "../../support/slack-blocks.js";

let harness: Harness;
const early = aCustomer({ account: "early.ask@example.com" });
const later = aCustomer({ account: "later.ask@example.com" });
const managersOwn = aCustomer({ account: "managers.own@example.com" });
const raced = Array.from({ length: 4 }, (_, i) => aCustomer({ account: `raced${i}@example.com` }));
/** The approvals-channel posts of the requests, by account. */
const posts = new Map<string, RecordedCall>();

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [early, later, managersOwn, ...raced]);
  await harness.ask(users.admin, "pool set 1000");
});
afterAll(() => harness.stop());

async function requestCredits(userId: string, customer: { customerId: string; account: string }) {
  await harness.ask(userId, `credits ${customer.customerId} 10 please ${customer.account}`);
  posts.set(customer.account, await postedRequest(harness, customer.account));
}

async function approvalOf(customerId: string) {
  const approval = await harness.db.collection(collections.approvals).findOne({ customerId });
  if (!approval) throw new Error(`no request for ${customerId}`);
  return {
    approvalId: approval._id.toHexString(),
    state: String(approval.state),
    decidedBy: approval.decidedBy as string | undefined,
  };
}

/** Opens the Home tab as `userId` and returns the Home published for that opening. */
async function openHome(userId: string) {
  await harness.outboxDelivered();
  const seen = harness.slack.calls.length;
  await harness.event({ type: "app_home_opened", user: userId, tab: "home", channel: "D0HOME" });
  const publish = await harness.slack.waitForCall(
    "views.publish",
    (call) => call.args.user_id === userId && harness.slack.calls.indexOf(call) >= seen,
  );
  return (publish.args.view as { blocks: unknown[] }).blocks;
}

/** The text of the one request under "Waiting for your decision" that names `account`. */
function waitingRequestOf(blocks: unknown[], account: string): string {
  const texts = waitingPart(blocks)
    .split(/\n(?=:hourglass_flowing_sand:)/)
    .filter((text) => text.includes(account));
  expect(texts).toHaveLength(1);
  return texts[0] ?? "";
}

/** Between "Waiting for your decision" and "Your pending requests". */
function waitingPart(blocks: unknown[]): string {
  const text = visibleText(blocks);
  return text.slice(
    text.indexOf("*Waiting for your decision"),
    text.indexOf("*Your pending requests"),
  );
}

/** Clicks a button on the Home tab and waits for the private answer (a DM, as Home has no response_url). */
async function clickInHomeAndWait(userId: string, button: FoundButton): Promise<string> {
  const seen = harness.slack.calls.length;
  const { status } = await harness.clickInHome(userId, button);
  expect(status).toBe(200);
  const answer = await harness.slack.waitForCall(
    "chat.postMessage",
    (call) =>
      call.args.channel === userId &&
      harness.slack.calls.indexOf(call) >= seen &&
      /^(:leftwards_arrow_with_hook: Withdrew|:warning:)/.test(String(call.args.text)),
    10_000,
  );
  return String(answer.args.text);
}

const withdrawButtonFor = (approvalId: string): FoundButton => ({
  action_id: actionIds.withdraw,
  value: approvalId,
  text: "Withdraw",
});

const auditCount = (filter: Record<string, unknown>) =>
  harness.db.collection(collections.auditEvents).countDocuments(filter);

describe("App Home: My work", () => {
  it("a manager sees the requests they can decide, soonest expiry first, with the time each has left, and not their own", async () => {
    await requestCredits(users.support, early);
    harness.advanceClock(30 * 60_000 + 30_000);
    await requestCredits(users.support, later);
    await requestCredits(users.manager, managersOwn);
    const [first, second, own] = await Promise.all(
      [early, later, managersOwn].map((customer) => approvalOf(customer.customerId)),
    );

    const home = await openHome(users.manager);

    const waiting = waitingPart(home);
    expect(waiting).toContain("*Waiting for your decision (2)*");
    expect(waiting.indexOf(early.account)).toBeGreaterThan(0);
    expect(waiting.indexOf(early.account)).toBeLessThan(waiting.indexOf(later.account));
    expect(waiting).not.toContain(managersOwn.account);
    expect(waitingRequestOf(home, early.account)).toContain("*expires in 23 h 29 min*");
    expect(waitingRequestOf(home, later.account)).toContain("*expires in 23 h 59 min*");
    const buttons = allButtons(home);
    expect(buttons.filter((b) => b.text === "Approve").map((b) => b.value)).toEqual([
      first?.approvalId,
      second?.approvalId,
    ]);
    expect(buttons.filter((b) => b.text === "Withdraw").map((b) => b.value)).toEqual([
      own?.approvalId,
    ]);

    const adminsWaiting = waitingPart(await openHome(users.admin));
    expect(adminsWaiting).toContain("*Waiting for your decision (3)*");
    expect(adminsWaiting.indexOf(later.account)).toBeLessThan(
      adminsWaiting.indexOf(managersOwn.account),
    );
  });

  it("support sees only their own pending requests, newest first, each with Withdraw", async () => {
    const [first, second] = await Promise.all(
      [early, later].map((customer) => approvalOf(customer.customerId)),
    );

    const home = await openHome(users.support);

    const text = visibleText(home);
    const myWork = text.slice(text.indexOf("My work"), text.indexOf("Credit pool"));
    expect(myWork).not.toContain("Waiting for your decision");
    expect(myWork).toContain(early.account);
    expect(myWork).not.toContain(managersOwn.account);
    expect(text).toContain("*Your pending requests (2)*");
    const buttons = allButtons(home).filter((b) => !b.action_id.startsWith("menu_"));
    expect(buttons.map((b) => [b.text, b.value])).toEqual([
      ["Withdraw", second?.approvalId],
      ["Withdraw", first?.approvalId],
    ]);
  });
});

describe("Withdraw", () => {
  it("by the requester: the request is withdrawn, its approvals message loses its buttons and says who, audited, Home refreshed", async () => {
    const { approvalId } = await approvalOf(early.customerId);
    const pendingBefore = (await harness.ask(users.support, "pool")).body;
    expect(visibleText(pendingBefore.blocks)).toContain("*Requested, pending*\n$30.00");
    const home = await openHome(users.support);
    const withdraw = allButtons(home).find((b) => b.value === approvalId);
    if (!withdraw) throw new Error("no Withdraw button for the request");
    expect(withdraw.confirm).toBeTruthy();
    const seen = harness.slack.calls.length;

    const answer = await clickInHomeAndWait(users.support, withdraw);

    expect(answer).toContain(
      `Withdrew your credits request for *${early.account}* ($0.00 → $10.00)`,
    );
    expect(await approvalOf(early.customerId)).toMatchObject({
      state: "withdrawn",
      decidedBy: users.support,
    });
    const update = await harness.slack.waitForCall("chat.update", (call) =>
      JSON.stringify(call.args.blocks).includes(early.account),
    );
    expect(update.args.channel).toBe(harness.config.approvalsChannelId);
    expect(visibleText(update.args.blocks)).toContain(`Withdrawn by <@${users.support}>`);
    expect(allButtons(update.args.blocks)).toEqual([]);
    expect(
      await auditCount({ action: "approval.withdraw", outcome: "done", actorId: users.support }),
    ).toBe(1);
    const refreshed = await harness.slack.waitForCall(
      "views.publish",
      (call) => call.args.user_id === users.support && harness.slack.calls.indexOf(call) >= seen,
    );
    const refreshedText = visibleText((refreshed.args.view as { blocks: unknown[] }).blocks);
    expect(refreshedText).toContain("*Your pending requests (1)*");
    expect(refreshedText).toContain("*Requested, pending*\n$20.00");
    expect(refreshedText).toContain(`withdrew a request for *${early.account}*`);
    expect((await moneyOf(harness, early.customerId)).credits).toBe(0);
  });

  it("by anyone else, with a forged or a malformed value, is refused, audited and changes nothing", async () => {
    const { approvalId } = await approvalOf(later.customerId);
    const managers = await approvalOf(managersOwn.customerId);
    const updatesBefore = harness.slack.callsTo("chat.update").length;

    const byManager = await clickInHomeAndWait(users.manager, withdrawButtonFor(approvalId));
    const byOtherSupport = await clickInHomeAndWait(
      users.groupSupport,
      withdrawButtonFor(approvalId),
    );
    const othersRequest = await clickInHomeAndWait(
      users.support,
      withdrawButtonFor(managers.approvalId),
    );
    const malformed = await clickInHomeAndWait(users.support, withdrawButtonFor('{"$ne":1}'));
    const unknown = await clickInHomeAndWait(
      users.support,
      withdrawButtonFor("0123456789abcdef01234567"),
    );

    const onlyRequester = `Only the person who asked for this change (<@${users.support}>) can withdraw it; nothing was changed.`;
    expect(byManager).toContain(onlyRequester);
    expect(byOtherSupport).toContain(onlyRequester);
    expect(othersRequest).toContain(`(<@${users.manager}>) can withdraw it`);
    expect(malformed).toContain("That button does not name an approval request.");
    expect(unknown).toContain("That approval request does not exist.");
    expect((await approvalOf(later.customerId)).state).toBe("pending");
    expect((await approvalOf(managersOwn.customerId)).state).toBe("pending");
    expect(
      await auditCount({
        action: "approval.withdraw",
        outcome: "refused",
        "target.approvalId": { $in: [approvalId, managers.approvalId] },
      }),
    ).toBe(3);
    await harness.outboxDelivered();
    expect(harness.slack.callsTo("chat.update").length).toBe(updatesBefore);
  });

  it("after the request was approved, or withdrawn already, answers what happened to it and changes nothing", async () => {
    const { approvalId } = await approvalOf(later.customerId);
    const post = posts.get(later.account);
    const approved = await harness.approve(
      users.manager,
      buttonLabelled(post?.args.blocks, "Approve"),
    );
    expect(approved.body.text).toContain("Approved:");

    const afterApproval = await clickInHomeAndWait(users.support, withdrawButtonFor(approvalId));
    const again = await clickInHomeAndWait(
      users.support,
      withdrawButtonFor((await approvalOf(early.customerId)).approvalId),
    );

    expect(afterApproval).toContain(
      `Your credits request for ${later.account} is already approved by <@${users.manager}>, so it can no longer be withdrawn; nothing was changed.`,
    );
    expect(again).toContain(`Your credits request for ${early.account} was already withdrawn`);
    expect(await approvalOf(later.customerId)).toMatchObject({ state: "approved" });
    expect(await moneyOf(harness, later.customerId)).toMatchObject({
      credits: 1000,
      ledgerCredits: 1000,
    });
  });

  it("Approve or Reject on a withdrawn request's message is refused, naming who withdrew it", async () => {
    const post = posts.get(early.account);
    const opened = harness.slack.callsTo("views.open").length;

    const approve = await harness.approve(
      users.manager,
      buttonLabelled(post?.args.blocks, "Approve"),
    );
    const reject = await harness.clickAndWait(
      users.manager,
      buttonLabelled(post?.args.blocks, "Reject"),
    );

    const refusal = `This request was withdrawn by <@${users.support}>; nothing more was changed.`;
    expect(approve.body.text).toContain(refusal);
    expect(reject.body.text).toContain(refusal);
    expect(harness.slack.callsTo("views.open").length).toBe(opened);
    expect((await approvalOf(early.customerId)).state).toBe("withdrawn");
    expect((await moneyOf(harness, early.customerId)).credits).toBe(0);
  });

  it("concurrent Withdraw and Approve: exactly one wins, and both answers say which", async () => {
    for (const customer of raced) await requestCredits(users.support, customer);
    for (const customer of raced) {
      const { approvalId } = await approvalOf(customer.customerId);
      const approveButton = buttonLabelled(posts.get(customer.account)?.args.blocks, "Approve");

      const [withdrawAnswer, approveAnswer] = await Promise.all([
        clickInHomeAndWait(users.support, withdrawButtonFor(approvalId)),
        harness.approve(users.manager, approveButton),
      ]);

      const { state } = await approvalOf(customer.customerId);
      const money = await moneyOf(harness, customer.customerId);
      if (state === "approved") {
        expect(String(approveAnswer.body.text)).toContain("Approved:");
        expect(withdrawAnswer).toContain(`is already approved by <@${users.manager}>`);
        expect(money).toMatchObject({ credits: 1000, ledgerCredits: 1000 });
      } else {
        expect(state).toBe("withdrawn");
        expect(withdrawAnswer).toContain("Withdrew your credits request");
        expect(String(approveAnswer.body.text)).toContain(`withdrawn by <@${users.support}>`);
        expect(money).toMatchObject({ credits: 0, entries: 0 });
      }
      const done = await harness.db.collection(collections.auditEvents).countDocuments({
        action: { $in: ["approval.approve", "approval.withdraw"] },
        outcome: "done",
        "target.approvalId": approvalId,
      });
      expect(done).toBe(1);
    }
  });

  it("everything sent stayed within Block Kit limits", () => {
    expect(harness.slack.limitViolations).toEqual([]);
  });
});
