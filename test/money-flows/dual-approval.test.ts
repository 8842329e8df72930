/**
 * Two approvers above DUAL_APPROVAL_LIMIT (issue 17, item 1) and the approve form's comment (item
 * 2), end to end: requests made by command, decided by pressing Approve on the approvals-channel
 * message and submitting the form it opens, as managers do.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { moneyOf, poolOf, postedRequest } from "../support/money-helpers.js";
import type { RecordedCall } from "../support/slack/fake-slack-api.js";
import { allButtons, buttonLabelled, visibleText } from "../support/slack-blocks.js";

let harness: Harness;
const secondManager = "UMANAGER02";
const below = aCustomer({ account: "below.limit@example.com" });
const atLimit = aCustomer({ account: "at.limit@example.com" });
const twoPerson = aCustomer({ account: "two.person@example.com" });
const ownRequest = aCustomer({ account: "own.request@example.com" });
const raced = Array.from({ length: 4 }, (_, i) =>
  aCustomer({ account: `raced.pair${i}@example.com` }),
);
const staleOne = aCustomer({ account: "stale.final@example.com" });
const shortOne = aCustomer({ account: "short.final@example.com" });
const rejectedOne = aCustomer({ account: "rejected.after.first@example.com" });
const bigRefill = aCustomer({ account: "big.refill@example.com" });

beforeAll(async () => {
  harness = await startHarness({
    env: { DUAL_APPROVAL_LIMIT: "100", MANAGER_USER_IDS: `${users.manager},${secondManager}` },
  });
  await insertCustomers(harness.db, [
    below,
    atLimit,
    twoPerson,
    ownRequest,
    ...raced,
    staleOne,
    shortOne,
    rejectedOne,
    bigRefill,
  ]);
  await harness.ask(users.admin, "pool set 5000");
});
afterAll(() => harness.stop());

/** Support asks for `target` credits for `customer` by command; resolves with the posted request. */
async function requestCredits(
  customer: { customerId: string; account: string },
  target: number,
  reason: string,
  requester: string = users.support,
) {
  await harness.ask(requester, `credits ${customer.customerId} ${target} ${reason}`);
  return postedRequest(harness, customer.account);
}

const approveOn = (posted: RecordedCall) => buttonLabelled(posted.args.blocks, "Approve");

/** The latest chat.update of `account`'s request that shows `text`. */
function updateShowing(account: string, text: string) {
  return harness.slack.waitForCall(
    "chat.update",
    (call) =>
      JSON.stringify(call.args.blocks).includes(account) &&
      visibleText(call.args.blocks).includes(text),
    5000,
  );
}

const approvalOf = (customerId: string) =>
  harness.db.collection(collections.approvals).findOne({ customerId });

const dmsTo = (userId: string, account: string) =>
  harness.slack
    .callsTo("chat.postMessage")
    .filter((call) => call.args.channel === userId && JSON.stringify(call.args).includes(account));

const auditOf = (customerId: string, action: string, outcome = "done") =>
  harness.db
    .collection(collections.auditEvents)
    .find({ action, outcome, "target.customerId": customerId })
    .toArray();

describe("one approval up to DUAL_APPROVAL_LIMIT", () => {
  it("a request below the limit applies on one manager's approval, as before, with the approver's comment everywhere", async () => {
    const posted = await requestCredits(below, 60, "below the limit");
    expect(visibleText(posted.args.blocks)).not.toContain("Needs 2 approvals");

    const answer = await harness.approve(users.manager, approveOn(posted), {
      comment: "checked the contract, ok",
    });

    expect(answer.body.text).toContain("Approved:");
    expect(await moneyOf(harness, below.customerId)).toMatchObject({
      credits: 6000,
      ledgerCredits: 6000,
      entries: 1,
    });
    const update = await updateShowing(below.account, "Approved by");
    expect(visibleText(update.args.blocks)).toContain(`Approved by <@${users.manager}>`);
    expect(visibleText(update.args.blocks)).toContain(": _checked the contract, ok_");
    expect(allButtons(update.args.blocks)).toEqual([]);
    await harness.outboxDelivered();
    const [dm] = dmsTo(users.support, below.account);
    expect(String(dm?.args.text)).toContain("was approved");
    expect(JSON.stringify(dm?.args.blocks)).toContain("checked the contract, ok");
    const entry = await harness.db
      .collection(collections.ledgerEntries)
      .findOne({ customerId: below.customerId });
    expect(entry).toMatchObject({
      approvedBy: users.manager,
      approvalComment: "checked the contract, ok",
    });
    expect(entry).not.toHaveProperty("approvedAlsoBy");
    const [record] = await auditOf(below.customerId, "approval.approve");
    expect(record?.detail).toBe("checked the contract, ok");
  });

  it("a request of exactly the limit is not above it: one approval applies it; an empty comment is kept as none", async () => {
    const posted = await requestCredits(atLimit, 100, "exactly the limit");
    const answer = await harness.approve(users.manager, approveOn(posted));
    expect(answer.body.text).toContain("Approved:");
    expect((await moneyOf(harness, atLimit.customerId)).credits).toBe(10_000);
    const entry = await harness.db
      .collection(collections.ledgerEntries)
      .findOne({ customerId: atLimit.customerId });
    expect(entry).not.toHaveProperty("approvalComment");
    expect((await approvalOf(atLimit.customerId))?.approvals).toEqual([
      { by: users.manager, role: "manager", at: expect.any(Date) },
    ]);
  });
});

describe("two approvals above DUAL_APPROVAL_LIMIT", () => {
  it("the first approval keeps the buttons and says 1 of 2; the same manager again, support and the requester are refused; a second manager applies it once", async () => {
    const posted = await requestCredits(twoPerson, 150, "large grant");
    expect(visibleText(posted.args.blocks)).toContain("Needs 2 approvals");
    const poolBefore = await poolOf(harness);

    const first = await harness.approve(users.manager, approveOn(posted), {
      comment: "first look ok",
    });

    expect(first.body.text).toContain("1 of 2 approvals — waiting for a second manager");
    expect(await moneyOf(harness, twoPerson.customerId)).toMatchObject({ credits: 0, entries: 0 });
    const halfway = await updateShowing(twoPerson.account, "1 of 2 approvals");
    expect(visibleText(halfway.args.blocks)).toContain(
      `1 of 2 approvals — Approved by <@${users.manager}>`,
    );
    expect(visibleText(halfway.args.blocks)).toContain("_first look ok_");
    expect(allButtons(halfway.args.blocks).map((button) => button.text)).toEqual([
      "Approve",
      "Reject",
    ]);
    const [firstRecord] = await auditOf(twoPerson.customerId, "approval.approve");
    expect(firstRecord).toMatchObject({ actorId: users.manager, detail: "1 of 2 — first look ok" });
    await harness.outboxDelivered();
    expect(dmsTo(users.support, twoPerson.account)).toHaveLength(0);
    const list = await harness.ask(secondManager, "approvals");
    expect(visibleText(list.body.blocks)).toContain("1 of 2 approvals");

    const again = await harness.approve(users.manager, approveOn(posted));
    expect(again.body.text).toContain(
      "You already approved this request; a second manager must approve it",
    );
    const bySupport = await harness.approve(users.support, approveOn(posted));
    expect(bySupport.body.text).toContain("Only managers and admins");
    expect(await auditOf(twoPerson.customerId, "approval.approve", "refused")).toHaveLength(1);
    expect(await moneyOf(harness, twoPerson.customerId)).toMatchObject({ credits: 0, entries: 0 });
    expect((await approvalOf(twoPerson.customerId))?.approvals).toHaveLength(1);

    const final = await harness.approve(users.admin, approveOn(posted), { comment: "agreed" });

    expect(final.body.text).toContain("Approved:");
    expect(await moneyOf(harness, twoPerson.customerId)).toMatchObject({
      credits: 15_000,
      ledgerCredits: 15_000,
      entries: 1,
    });
    expect(await poolOf(harness)).toEqual({
      total: poolBefore.total,
      granted: poolBefore.granted + 15_000,
      left: poolBefore.left - 15_000,
    });
    const entry = await harness.db
      .collection(collections.ledgerEntries)
      .findOne({ customerId: twoPerson.customerId });
    expect(entry).toMatchObject({
      approvedBy: users.admin,
      approvedAlsoBy: users.manager,
      approvalComment: "agreed",
      approvedAlsoComment: "first look ok",
    });
    const records = await auditOf(twoPerson.customerId, "approval.approve");
    expect(records.map((record) => [record.actorId, record.detail])).toEqual([
      [users.manager, "1 of 2 — first look ok"],
      [users.admin, "2 of 2 — agreed"],
    ]);
    const grant = await auditOf(twoPerson.customerId, "credits.grant");
    expect(grant[0]?.detail).toContain(`approved by ${users.manager} and ${users.admin}`);
    const decided = await updateShowing(twoPerson.account, "(2 of 2)");
    const shown = visibleText(decided.args.blocks);
    expect(shown).toContain(`Approved by <@${users.manager}> (1 of 2)`);
    expect(shown).toContain(`Approved by <@${users.admin}> (2 of 2)`);
    expect(shown).toContain("_first look ok_");
    expect(shown).toContain("_agreed_");
    expect(allButtons(decided.args.blocks)).toEqual([]);
    await harness.outboxDelivered();
    const dms = dmsTo(users.support, twoPerson.account);
    expect(dms).toHaveLength(1);
    expect(String(dms[0]?.args.text)).toContain("was approved");
    expect(JSON.stringify(dms[0]?.args.blocks)).toContain("agreed");

    const late = await harness.approve(secondManager, approveOn(posted));
    expect(late.body.text).toContain("already approved");
  });

  it("the requester cannot give either approval, even as a manager", async () => {
    const posted = await requestCredits(ownRequest, 200, "my own", users.manager);
    const own = await harness.approve(users.manager, approveOn(posted));
    expect(own.body.text).toContain("someone else must approve it");
    await harness.approve(secondManager, approveOn(posted));
    const ownFinal = await harness.approve(users.manager, approveOn(posted));
    expect(ownFinal.body.text).toContain("someone else must approve it");
    expect(await moneyOf(harness, ownRequest.customerId)).toMatchObject({ credits: 0, entries: 0 });
    await harness.approve(users.admin, approveOn(posted));
    expect((await moneyOf(harness, ownRequest.customerId)).credits).toBe(20_000);
  });

  it("two different managers pressing Approve at the same moment: one first approval, one final, the money applied once, both answers true", async () => {
    for (const customer of raced) {
      const posted = await requestCredits(customer, 120, "raced pair");
      const answers = await Promise.all([
        harness.approve(users.manager, approveOn(posted), { comment: "from one" }),
        harness.approve(secondManager, approveOn(posted), { comment: "from two" }),
      ]);
      const texts = answers.map((answer) => String(answer.body.text));
      expect(texts.filter((text) => text.includes("1 of 2 approvals — waiting"))).toHaveLength(1);
      expect(texts.filter((text) => text.includes("Approved:"))).toHaveLength(1);
      expect(await moneyOf(harness, customer.customerId)).toMatchObject({
        credits: 12_000,
        ledgerCredits: 12_000,
        entries: 1,
      });
      const approval = await approvalOf(customer.customerId);
      expect(approval?.state).toBe("approved");
      expect(new Set(approval?.approvals.map((given: { by: string }) => given.by))).toEqual(
        new Set([users.manager, secondManager]),
      );
    }
  });

  it("the customer's credits changed before the final approval: the request is marked stale and nothing moves", async () => {
    const large = await requestCredits(staleOne, 150, "large, goes stale");
    await harness.approve(users.manager, approveOn(large), { comment: "fine by me" });
    const small = await requestCredits(staleOne, 1, "small one meanwhile");
    await harness.approve(users.manager, approveOn(small));

    const final = await harness.approve(users.admin, approveOn(large));

    expect(final.body.text).toContain("marked stale");
    expect(await moneyOf(harness, staleOne.customerId)).toMatchObject({
      credits: 100,
      entries: 1,
    });
    const approval = await harness.db
      .collection(collections.approvals)
      .findOne({ customerId: staleOne.customerId, reason: "large, goes stale" });
    expect(approval?.state).toBe("stale");
  });

  it("the pool is short at the final approval: refused naming what is left; the request stays pending with its first approval", async () => {
    const { granted } = await poolOf(harness);
    await harness.ask(users.admin, `pool set ${(granted + 20_000) / 100}`);
    const posted = await requestCredits(shortOne, 150, "needs the pool");
    await harness.approve(users.manager, approveOn(posted));
    const other = raced[0];
    if (!other) throw new Error("no customer");
    const taking = await requestCredits(other, 180, "takes the pool");
    await harness.approve(users.manager, approveOn(taking));

    const final = await harness.approve(users.admin, approveOn(posted));

    expect(final.body.text).toContain("has only $140.00 left");
    expect(await moneyOf(harness, shortOne.customerId)).toMatchObject({ credits: 0, entries: 0 });
    const approval = await approvalOf(shortOne.customerId);
    expect(approval?.state).toBe("pending");
    expect(approval?.approvals).toMatchObject([{ by: users.manager }]);
    expect((await poolOf(harness)).left).toBe(14_000);
  });

  it("Reject after the first approval still works: the message and the requester say why", async () => {
    const posted = await requestCredits(rejectedOne, 120, "then rejected");
    await harness.approve(users.manager, approveOn(posted));
    await harness.click(secondManager, buttonLabelled(posted.args.blocks, "Reject"));
    const form = await harness.openedModal();
    await harness.submitModal(secondManager, form, { reason: "asked for the wrong amount" });
    await updateShowing(rejectedOne.account, "Rejected by");
    expect((await approvalOf(rejectedOne.customerId))?.state).toBe("rejected");
    expect(await moneyOf(harness, rejectedOne.customerId)).toMatchObject({ credits: 0 });
    await harness.outboxDelivered();
    const [dm] = dmsTo(users.support, rejectedOne.account);
    expect(JSON.stringify(dm?.args.blocks)).toContain("asked for the wrong amount");
    const late = await harness.approve(users.admin, approveOn(posted));
    expect(late.body.text).toContain("already rejected");
  });

  it("a support member's balance change above the limit needs two approvals too (by its amount)", async () => {
    await harness.ask(users.support, `balance ${bigRefill.customerId} +600 wire received`);
    const posted = await postedRequest(harness, bigRefill.account);
    expect(visibleText(posted.args.blocks)).toContain("Needs 2 approvals");
    const first = await harness.approve(secondManager, approveOn(posted));
    expect(first.body.text).toContain("1 of 2");
    expect((await moneyOf(harness, bigRefill.customerId)).balance).toBe(bigRefill.balance);
    await harness.approve(users.admin, approveOn(posted));
    expect(await moneyOf(harness, bigRefill.customerId)).toMatchObject({
      balance: bigRefill.balance + 60_000,
      entries: 1,
    });
  });
});

describe("the ledger's hash chain keeps the approval fields", () => {
  it("verifies after two-person approvals with comments, and names the entry whose approvalComment was edited in MongoDB", async () => {
    const intact = await harness.ask(users.support, `verify ${twoPerson.customerId}`);
    expect(visibleText(intact.body.blocks)).toContain("chain intact");
    await harness.db
      .collection(collections.ledgerEntries)
      .updateOne({ customerId: twoPerson.customerId }, { $set: { approvalComment: "edited" } });

    const broken = await harness.ask(users.support, `verify ${twoPerson.customerId}`);

    expect(visibleText(broken.body.blocks)).toContain("the ledger does not verify");
    expect(visibleText(broken.body.blocks)).toContain("hash mismatch");
  });
});
