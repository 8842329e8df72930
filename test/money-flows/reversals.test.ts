/**
 * Reversals of ledger entries (issue 17, item 5), end to end: Reverse on billing details, the reason
 * form, the approval request in the approvals channel, a manager's Approve, and what the ledger,
 * the customer, the pool, billing details and verify show after — and every way it is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { LedgerVerifier } from "../../src/integrity/verify-ledger.js";
import { currencyOf } from "../../src/money/currency.js";
import { type Harness, type SentView, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { moneyOf, poolOf, postedRequest } from "../support/money-helpers.js";
import {
  allButtons,
  buttonLabelled,
  type FoundButton,
  visibleText,
} from "../support/slack-blocks.js";

let harness: Harness;
let verifier: LedgerVerifier;
const refilled = aCustomer({ account: "rev.refill@example.com" });
const granted = aCustomer({ account: "rev.grant@example.com" });
const returned = aCustomer({ account: "rev.return@example.com" });
const spent = aCustomer({ account: "rev.spent@example.com" });
const onceOnly = aCustomer({ account: "rev.once@example.com" });
const raced = aCustomer({ account: "rev.raced@example.com" });
const who = aCustomer({ account: "rev.who@example.com" });
const forged = aCustomer({ account: "rev.forged@example.com" });
const other = aCustomer({ account: "rev.other@example.com" });
const tampered = aCustomer({ account: "rev.tampered@example.com" });
const drain = aCustomer({ account: "rev.drain@example.com" });
const expiring = aCustomer({ account: "rev.expiring@example.com" });

beforeAll(async () => {
  harness = await startHarness();
  verifier = new LedgerVerifier(harness.db, currencyOf("USD"));
  await insertCustomers(harness.db, [
    refilled,
    granted,
    returned,
    spent,
    onceOnly,
    raced,
    who,
    forged,
    other,
    tampered,
    drain,
    expiring,
  ]);
  await harness.ask(users.admin, "pool set 100");
});
afterAll(() => harness.stop());

const entries = () => harness.db.collection(collections.ledgerEntries);
const approvalsOf = (customerId: string) =>
  harness.db.collection(collections.approvals).find({ customerId }).toArray();

/** The customer's billing details as `userId` sees them (the first page). */
async function billing(userId: string, customerId: string) {
  const answer = await harness.ask(userId, `billing ${customerId}`);
  return answer.body.blocks;
}

/** The Reverse button beside the entry with `reason` on the customer's billing details. */
async function reverseButtonFor(customerId: string, reason: string): Promise<FoundButton> {
  const entry = await entries().findOne({ customerId, reason });
  if (!entry) throw new Error(`no entry “${reason}”`);
  const button = allButtons(await billing(users.support, customerId)).find(
    (candidate) => candidate.text === "Reverse" && candidate.value === entry._id.toHexString(),
  );
  if (!button) throw new Error(`no Reverse beside “${reason}”`);
  return button;
}

/** Clicks Reverse as `userId` and returns the reason form it opened. */
async function openReverseForm(userId: string, button: FoundButton): Promise<SentView> {
  await harness.click(userId, button);
  return harness.openedModal();
}

/** Reverse → the form → submitted with `reason`; answers the receipt and the posted request. */
async function requestReversal(
  customer: { customerId: string; account: string },
  entryReason: string,
  reason: string,
) {
  const button = await reverseButtonFor(customer.customerId, entryReason);
  const { responseUrl } = await harness.click(users.support, button);
  const view = await harness.openedModal();
  const { json } = await harness.submitModal(users.support, view, { reason });
  expect(json).toBeUndefined();
  const receipt = await harness.slack.waitForResponse(responseUrl);
  const posted = await postedRequest(harness, customer.account);
  return { receipt, posted, view, button };
}

/** Waits for the app's answer to the latest click on `button` by `userId`. */
async function clickAnswer(userId: string, button: FoundButton) {
  const { responseUrl } = await harness.click(userId, button);
  return harness.slack.waitForResponse(responseUrl);
}

describe("reversing a refill, end to end", () => {
  it("support reverses, a manager approves: balance back, entries linked both ways, billing shows both, totals and verify agree", async () => {
    await harness.ask(users.manager, `balance ${refilled.customerId} +100 paid by mistake`);
    const { receipt, posted, view } = await requestReversal(
      refilled,
      "paid by mistake",
      "wrong customer",
    );
    expect(visibleText(view.blocks)).toContain("Reverse *balance refill* of *+$100.00*");
    expect(visibleText(view.blocks)).toContain("Their balance: $100.00 now → *$0.00*");
    expect(visibleText(receipt.body.blocks)).toContain("Approval requested");
    const request = visibleText(posted.args.blocks);
    expect(request).toContain("*Reversal* for *rev.refill@example.com*");
    expect(request).toMatch(/Reverse `[0-9a-f]{24}` \(balance refill\) of \+\$100\.00 from <!date/);
    expect(request).toContain(`by <@${users.manager}>`);
    expect(request).toContain("Balance $100.00 → *$0.00* (−$100.00)");
    expect(request).toContain(`Requested by <@${users.support}>`);
    expect(request).toContain("_wrong customer_");
    expect((await moneyOf(harness, refilled.customerId)).balance).toBe(10_000);

    const approved = await harness.approve(
      users.admin,
      buttonLabelled(posted.args.blocks, "Approve"),
    );
    expect(approved.body.text).toContain("is reversed");
    expect(await moneyOf(harness, refilled.customerId)).toMatchObject({
      balance: 0,
      ledgerBalance: 0,
      entries: 2,
    });
    const original = await entries().findOne({
      customerId: refilled.customerId,
      reason: "paid by mistake",
    });
    const reversal = await entries().findOne({
      customerId: refilled.customerId,
      reason: "wrong customer",
    });
    expect(reversal).toMatchObject({
      kind: "balance.deduct",
      amount: -10_000,
      after: 0,
      reverses: original?._id.toHexString(),
      actorId: users.support,
      approvedBy: users.admin,
      seq: 2,
    });
    expect(original?.reversedBy).toBe(reversal?._id.toHexString());

    const shown = await billing(users.support, refilled.customerId);
    const text = visibleText(shown);
    expect(text).toContain(`_Reversed_ by entry \`${reversal?._id.toHexString()}\``);
    expect(text).toContain(`_Reversal_ of entry \`${original?._id.toHexString()}\``);
    expect(text).toContain("Refilled $100.00");
    expect(text).toContain("Deducted $100.00");
    expect(allButtons(shown).filter((button) => button.text === "Reverse")).toEqual([]);

    const days = await harness.db
      .collection(collections.ledgerDays)
      .find({ customerId: refilled.customerId })
      .toArray();
    expect(days).toHaveLength(1);
    expect(days[0]).toMatchObject({ refilled: 10_000, deducted: 10_000 });
    const verified = await verifier.verify(refilled.customerId, 10);
    expect(verified).toMatchObject({ chained: 2, totalBreaks: 0 });

    const audit = harness.db.collection(collections.auditEvents);
    expect(
      await audit.findOne({
        action: "approval.request.reversal",
        "target.customerId": refilled.customerId,
      }),
    ).toMatchObject({ actorId: users.support, before: { balance: 10_000 }, after: { balance: 0 } });
    expect(
      await audit.findOne({ action: "balance.deduct", "target.customerId": refilled.customerId }),
    ).toMatchObject({ actorId: users.admin, before: { balance: 10_000 }, after: { balance: 0 } });
    const update = await harness.slack.waitForCall("chat.update", (call) =>
      JSON.stringify(call.args.blocks).includes(refilled.account),
    );
    expect(visibleText(update.args.blocks)).toContain(`Approved by <@${users.admin}>`);
    expect(visibleText(update.args.blocks)).toContain("The entry is reversed (−$100.00)");
  });
});

describe("reversing credits moves the pool", () => {
  it("reversing a grant returns it to the pool", async () => {
    await harness.ask(users.support, `credits ${granted.customerId} 30 pilot`);
    await harness.approve(
      users.manager,
      buttonLabelled((await postedRequest(harness, granted.account)).args.blocks, "Approve"),
    );
    expect((await poolOf(harness)).left).toBe(7_000);
    const { posted } = await requestReversal(granted, "pilot", "pilot cancelled");
    expect(visibleText(posted.args.blocks)).toContain("Credits $30.00 → *$0.00* (−$30.00)");
    expect(visibleText(posted.args.blocks)).toContain("Credit pool left: $70.00");
    await harness.approve(users.manager, buttonLabelled(posted.args.blocks, "Approve"));
    expect(await moneyOf(harness, granted.customerId)).toMatchObject({
      credits: 0,
      ledgerCredits: 0,
    });
    expect(await poolOf(harness)).toEqual({ total: 10_000, granted: 0, left: 10_000 });
    expect(
      await entries().findOne({ customerId: granted.customerId, reason: "pilot cancelled" }),
    ).toMatchObject({
      kind: "credits.return",
      amount: -3_000,
    });
    expect((await verifier.verify(granted.customerId, 10))?.totalBreaks).toBe(0);
  });

  it("reversing a reduction takes from the pool, and is refused naming the pool when it has too little — the request stays pending", async () => {
    await harness.ask(users.support, `credits ${returned.customerId} 40 grant`);
    await harness.approve(
      users.manager,
      buttonLabelled((await postedRequest(harness, returned.account)).args.blocks, "Approve"),
    );
    await harness.ask(users.support, `credits ${returned.customerId} 10 lowered`);
    const lowered = await harness.slack.waitForCall(
      "chat.postMessage",
      (call) =>
        call.args.channel === harness.config.approvalsChannelId &&
        visibleText(call.args.blocks).includes("lowered"),
    );
    await harness.approve(users.manager, buttonLabelled(lowered.args.blocks, "Approve"));
    expect((await poolOf(harness)).left).toBe(9_000);
    const { posted } = await requestReversal(returned, "lowered", "lowered by mistake");
    expect(visibleText(posted.args.blocks)).toContain("Credits $10.00 → *$40.00* (+$30.00)");
    const pool = await harness.ask(users.support, "pool");
    expect(visibleText(pool.body.blocks)).toContain("*Requested, pending*\n$30.00");

    // Meanwhile the pool is granted down to $20 left.
    await harness.ask(users.support, `credits ${drain.customerId} 70 big grant`);
    await harness.approve(
      users.manager,
      buttonLabelled((await postedRequest(harness, drain.account)).args.blocks, "Approve"),
    );
    expect((await poolOf(harness)).left).toBe(2_000);
    const refused = await harness.approve(
      users.manager,
      buttonLabelled(posted.args.blocks, "Approve"),
    );
    expect(refused.body.text).toContain(
      "needs $30.00 from the credit pool but it has only $20.00 left",
    );
    expect(await moneyOf(harness, returned.customerId)).toMatchObject({
      credits: 1_000,
      entries: 2,
    });
    const [reversal] = (await approvalsOf(returned.customerId)).filter(
      (a) => a.kind === "reversal",
    );
    expect(reversal?.state).toBe("pending");

    // Asked again now, with the pool short, it is refused at the click, naming what the pool has left.
    const reverse = await reverseButtonFor(returned.customerId, "lowered");
    const again = await clickAnswer(users.support, reverse);
    expect(again.body.text).toContain(
      "needs $30.00 from the credit pool, but it has only $20.00 left; nothing was requested",
    );
  });
});

describe("the balance guard", () => {
  it("a reversal that would take the balance below zero is refused naming the balance, at the click and at approval", async () => {
    await harness.ask(users.manager, `balance ${spent.customerId} +50 top-up`);
    const { posted } = await requestReversal(spent, "top-up", "not paid");
    await harness.ask(users.manager, `balance ${spent.customerId} -30 used`);
    const refused = await harness.approve(
      users.manager,
      buttonLabelled(posted.args.blocks, "Approve"),
    );
    expect(refused.body.text).toContain(
      "would take the customer's balance from $20.00 to -$30.00, below zero. The request stays pending",
    );
    expect(await moneyOf(harness, spent.customerId)).toMatchObject({ balance: 2_000, entries: 2 });
    expect((await approvalsOf(spent.customerId))[0]?.state).toBe("pending");
    await harness.click(users.manager, buttonLabelled(posted.args.blocks, "Reject"));
    const rejectForm = await harness.openedModal();
    await harness.submitModal(users.manager, rejectForm, { reason: "spent already" });

    const click = await clickAnswer(
      users.support,
      await reverseButtonFor(spent.customerId, "top-up"),
    );
    expect(click.body.text).toContain(
      "would take rev.spent@example.com's balance from $20.00 to -$30.00, below zero; nothing was requested",
    );
  });
});

describe("once only", () => {
  it("after a reversal the old Reverse button is refused, and two submits for one entry make one request", async () => {
    await harness.ask(users.manager, `balance ${onceOnly.customerId} +20 once`);
    const button = await reverseButtonFor(onceOnly.customerId, "once");
    const [first, second] = await Promise.all([
      openReverseForm(users.support, button),
      openReverseForm(users.groupSupport, button),
    ]);
    if (!first || !second) throw new Error("no forms");
    const answers = await Promise.all([
      harness.submitModal(users.support, first, { reason: "first" }),
      harness.submitModal(users.groupSupport, second, { reason: "second" }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    await harness.outboxDelivered();
    const requests = (await approvalsOf(onceOnly.customerId)).filter((a) => a.kind === "reversal");
    expect(requests).toHaveLength(1);
    const posted = await postedRequest(harness, onceOnly.account);
    await harness.approve(users.manager, buttonLabelled(posted.args.blocks, "Approve"));
    expect((await moneyOf(harness, onceOnly.customerId)).balance).toBe(0);

    const late = await clickAnswer(users.support, button);
    expect(late.body.text).toContain("This entry was already reversed");
    const reversal = await entries().findOne({
      customerId: onceOnly.customerId,
      reverses: { $exists: true },
    });
    const onReversal = { ...button, value: reversal?._id.toHexString() };
    expect((await clickAnswer(users.support, onReversal)).body.text).toContain(
      "is itself the reversal of entry",
    );
    expect(await moneyOf(harness, onceOnly.customerId)).toMatchObject({ balance: 0, entries: 2 });
  });

  it("concurrent Approve clicks apply a reversal once; a request that raced its approval goes stale at approval, changing nothing", async () => {
    await harness.ask(users.manager, `balance ${raced.customerId} +40 raced`);
    const { posted } = await requestReversal(raced, "raced", "race one");
    const approve = buttonLabelled(posted.args.blocks, "Approve");
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        harness.approve(i % 2 === 0 ? users.manager : users.admin, approve),
      ),
    );
    expect(
      answers.filter((answer) => String(answer.body.text).includes("is reversed")),
    ).toHaveLength(1);
    expect(await moneyOf(harness, raced.customerId)).toMatchObject({ balance: 0, entries: 2 });

    // A second request whose check read the entry before the first approval committed is stored
    // pending once the first is no longer pending (the unique index allows one pending at a time).
    const [first] = await approvalsOf(raced.customerId);
    if (!first) throw new Error("no request");
    const { _id, decidedBy, decidedAt, message, approvals: _given, ...asked } = first;
    await harness.db.collection(collections.approvals).insertOne({
      ...asked,
      approvals: [],
      idempotencyKey: "racing-request",
      reason: "race two",
      state: "pending",
      // Its own post in the approvals channel (made when it was stored).
      message: { channel: harness.config.approvalsChannelId, ts: "1700000000.000999" },
    });
    const racing = await harness.db
      .collection(collections.approvals)
      .findOne({ idempotencyKey: "racing-request" });
    const stale = await harness.approve(users.admin, {
      ...approve,
      value: racing?._id.toHexString(),
    });
    expect(stale.body.text).toContain("reversed already");
    expect(
      await harness.db
        .collection(collections.auditEvents)
        .findOne({ action: "approval.stale", "target.approvalId": racing?._id.toHexString() }),
    ).toMatchObject({
      outcome: "refused",
      detail: expect.stringContaining("was reversed already"),
    });
    expect(
      (await harness.db.collection(collections.approvals).findOne({ _id: racing?._id }))?.state,
    ).toBe("stale");
    expect(await moneyOf(harness, raced.customerId)).toMatchObject({ balance: 0, entries: 2 });
    expect(
      await entries().countDocuments({ customerId: raced.customerId, reverses: { $exists: true } }),
    ).toBe(1);
    expect((await verifier.verify(raced.customerId, 10))?.totalBreaks).toBe(0);
  });
});

describe("a request that ended frees its entry", () => {
  it("after a reversal request is withdrawn, or expires unmarked, the entry can be asked for again", async () => {
    await harness.ask(users.manager, `balance ${expiring.customerId} +45 expiring`);
    await requestReversal(expiring, "expiring", "first ask");
    const [first] = await approvalsOf(expiring.customerId);
    // Withdraw, as App Home's button for one's own pending request carries it.
    await harness.clickAndWait(users.support, {
      action_id: "approval_withdraw",
      value: first?._id.toHexString(),
      text: "Withdraw",
    });
    const second = await requestReversal(expiring, "expiring", "second ask");
    expect(visibleText(second.receipt.body.blocks)).toContain("Approval requested");

    // Overdue but not yet marked: the next request marks it expired and is stored.
    harness.advanceClock(harness.config.approvalTtlMs + 1000);
    const button = await reverseButtonFor(expiring.customerId, "expiring");
    const { responseUrl } = await harness.click(users.support, button);
    const form = await harness.openedModal();
    await harness.submitModal(users.support, form, { reason: "third ask" });
    const receipt = await harness.slack.waitForResponse(responseUrl);
    expect(visibleText(receipt.body.blocks)).toContain("Approval requested");
    const states = (await approvalsOf(expiring.customerId)).map((a) => [a.reason, a.state]);
    expect(states).toEqual([
      ["first ask", "withdrawn"],
      ["second ask", "expired"],
      ["third ask", "pending"],
    ]);
    expect((await moneyOf(harness, expiring.customerId)).balance).toBe(4_500);
  });
});

describe("who may reverse, and which entry", () => {
  it("someone without a role is refused (and recorded); the requester cannot approve their own reversal", async () => {
    await harness.ask(users.manager, `balance ${who.customerId} +15 who`);
    const button = await reverseButtonFor(who.customerId, "who");
    const outsider = await clickAnswer(users.outsider, button);
    expect(JSON.stringify(outsider.body)).toContain("don't have access");
    expect(
      await harness.db
        .collection(collections.auditEvents)
        .countDocuments({ actorId: users.outsider, action: "access.refused" }),
    ).toBeGreaterThan(0);

    const { responseUrl } = await harness.click(users.manager, button);
    const form = await harness.openedModal();
    await harness.submitModal(users.manager, form, { reason: "asked by a manager" });
    await harness.slack.waitForResponse(responseUrl);
    const posted = await postedRequest(harness, who.account);
    const approve = buttonLabelled(posted.args.blocks, "Approve");
    const own = await harness.approve(users.manager, approve);
    expect(own.body.text).toContain("someone else must approve it");
    expect((await moneyOf(harness, who.customerId)).balance).toBe(1_500);
    await harness.approve(users.admin, approve);
    expect((await moneyOf(harness, who.customerId)).balance).toBe(0);
  });

  it("a forged or unknown entry ID, and a form naming another customer's entry, are refused and change nothing", async () => {
    await harness.ask(users.manager, `balance ${forged.customerId} +25 forged`);
    await harness.ask(users.manager, `balance ${other.customerId} +35 other`);
    const button = await reverseButtonFor(forged.customerId, "forged");
    for (const value of [
      "",
      "not-an-id",
      '{"$gt":""}',
      "ABCDEF0123456789abcdef01",
      "a".repeat(25),
    ]) {
      const answer = await clickAnswer(users.support, { ...button, value });
      expect(answer.body.text).toContain("does not name a ledger entry");
    }
    const unknown = await clickAnswer(users.support, {
      ...button,
      value: "0123456789abcdef01234567",
    });
    expect(unknown.body.text).toContain("not one of this customer's ledger entries");

    // The form for forged's entry, its metadata rewritten to name the other customer's entry.
    const form = await openReverseForm(users.support, button);
    const otherEntry = await entries().findOne({ customerId: other.customerId, reason: "other" });
    const metadata = JSON.parse(String(form.private_metadata));
    const swapped = {
      ...form,
      private_metadata: JSON.stringify({ ...metadata, entryId: otherEntry?._id.toHexString() }),
    };
    const { json } = await harness.submitModal(users.support, swapped, { reason: "sneaky" });
    expect(JSON.stringify(json ?? "")).toContain("not one of this customer's ledger entries");
    expect(
      await harness.db
        .collection(collections.approvals)
        .countDocuments({ customerId: { $in: [forged.customerId, other.customerId] } }),
    ).toBe(0);
    expect(
      await harness.db
        .collection(collections.auditEvents)
        .countDocuments({ action: "ledger.reverse", outcome: "refused" }),
    ).toBeGreaterThanOrEqual(2);
  });

  it("the reason is required and checked like every reason: errors on the field, nothing requested", async () => {
    const form = await openReverseForm(
      users.support,
      await reverseButtonFor(forged.customerId, "forged"),
    );
    const cases: [string, RegExp][] = [
      ["", /Give a reason/],
      ["   \n  ", /Give a reason|no visible characters/],
      ["\u200b\u200b", /Give a reason|no visible characters/],
      ["bad\u0007bell", /control characters/],
      ["x".repeat(501), /the most is 500/],
    ];
    for (const [reason, error] of cases) {
      const { json } = await harness.submitModal(users.support, form, { reason });
      expect(json).toMatchObject({
        response_action: "errors",
        errors: { reason: expect.stringMatching(error) },
      });
    }
    expect(
      await harness.db
        .collection(collections.approvals)
        .countDocuments({ customerId: forged.customerId }),
    ).toBe(0);
  });
});

describe("verify checks the reversal links both ways", () => {
  it("finds reversedBy removed or repointed, and reverses pointing elsewhere, naming the entries", async () => {
    await harness.ask(users.manager, `balance ${tampered.customerId} +60 tamper`);
    const { posted } = await requestReversal(tampered, "tamper", "undo tamper");
    await harness.approve(users.admin, buttonLabelled(posted.args.blocks, "Approve"));
    const original = await entries().findOne({ customerId: tampered.customerId, reason: "tamper" });
    const reversal = await entries().findOne({
      customerId: tampered.customerId,
      reason: "undo tamper",
    });
    if (!original || !reversal) throw new Error("no entries");
    const originalId = original._id.toHexString();
    const reversalId = reversal._id.toHexString();
    const problems = async () =>
      (
        (await verifier.verify(tampered.customerId, 20))?.breaks.map((found) => found.what) ?? []
      ).sort();
    expect(await problems()).toEqual([]);

    await entries().updateOne({ _id: original._id }, { $unset: { reversedBy: "" } });
    expect(await problems()).toEqual([
      `reversal link broken: entry ${reversalId} (seq 2) reverses entry ${originalId}, but that entry's reversedBy is absent`,
    ]);

    await entries().updateOne(
      { _id: original._id },
      { $set: { reversedBy: "0123456789abcdef01234567" } },
    );
    expect(await problems()).toEqual([
      `reversal link broken: entry ${originalId} (seq 1) says it was reversed by entry 0123456789abcdef01234567, which is not one of this customer's entries`,
      `reversal link broken: entry ${reversalId} (seq 2) reverses entry ${originalId}, but that entry's reversedBy is 0123456789abcdef01234567`,
    ]);

    await entries().updateOne({ _id: original._id }, { $set: { reversedBy: reversalId } });
    expect(await problems()).toEqual([]);
    await entries().updateOne(
      { _id: reversal._id },
      { $set: { reverses: "0123456789abcdef01234567" } },
    );
    const found = await problems();
    expect(found).toContain("hash mismatch — the stored entry was changed");
    expect(found).toContain(
      `reversal link broken: entry ${reversalId} (seq 2) reverses entry 0123456789abcdef01234567, which is not one of this customer's entries`,
    );
    expect(found).toContain(
      `reversal link broken: entry ${originalId} (seq 1) says it was reversed by entry ${reversalId}, but that entry does not reverse it`,
    );
    await entries().updateOne({ _id: reversal._id }, { $set: { reverses: originalId } });
    expect(await problems()).toEqual([]);
  });
});
