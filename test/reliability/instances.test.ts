/**
 * Issue #6 item 7: two instances of the app (two createBotApp on their own ports) behind one Slack,
 * sharing one database, as behind a load balancer. Nothing that matters may live in one instance's
 * memory: a request made through one is decided through the other, and races between them have
 * exactly one outcome.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { type Harness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { moneyOf, postedRequest } from "../support/money-helpers.js";
import { buttonLabelled } from "../support/slack-blocks.js";
import { moneyProblems, poolProblems, sleep } from "./support/fault-tools.js";
import { startInstances } from "./support/instances-pair.js";
import { recordScenario } from "./support/scenario-report.js";

/** Waits until both instances have delivered what they owe, then a little more, so a duplicate would show. */
async function delivered(): Promise<void> {
  await Promise.all([first.outboxDelivered(), second.outboxDelivered()]);
  await sleep(100);
}

let first: Harness;
let second: Harness;
let stopInstances: () => Promise<void>;
const crossed = aCustomer({ account: "crossed.instances@example.com" });
const doubleClicked = aCustomer({ account: "double.clicked@example.com" });
const racing = Array.from({ length: 8 }, (_, i) =>
  aCustomer({ account: `sweep.race${i}@example.com` }),
);
const ttlMs = 24 * 3600 * 1000;
const sweepDelaysMs = [0, 40, 3, 60, 10, 25, 80, 15];

beforeAll(async () => {
  ({
    first,
    second,
    stop: stopInstances,
  } = await startInstances(`test_pair_${randomBytes(4).toString("hex")}`));
  await insertCustomers(first.db, [crossed, doubleClicked, ...racing]);
  await first.ask(users.admin, "pool set 1000");
});
afterAll(() => stopInstances());

/** chat.update calls that updated the channel message of a request about `account`. */
const updatesOf = (account: string) =>
  first.slack
    .callsTo("chat.update")
    .filter((call) => JSON.stringify(call.args.blocks).includes(account));
/** Direct messages to the requester about `account`. */
const requesterDms = (account: string) =>
  first.slack
    .callsTo("chat.postMessage")
    .filter(
      (call) => call.args.channel === users.support && String(call.args.text).includes(account),
    );

async function consistency(customerId: string) {
  return [...(await moneyProblems(first, customerId)), ...(await poolProblems(first))];
}

describe("two instances sharing one database", () => {
  it("a credit request made through one instance is approved through the other", async () => {
    const receipt = await first.ask(
      users.support,
      `credits ${crossed.customerId} 12 across instances`,
    );
    const posted = await postedRequest(first, crossed.account);
    const approved = await second.approve(
      users.manager,
      buttonLabelled(posted.args.blocks, "Approve"),
    );
    await delivered();
    const updates = updatesOf(crossed.account);
    const money = await moneyOf(second, crossed.customerId);
    const problems = await consistency(crossed.customerId);
    const pass =
      String(receipt.body.text).length > 0 &&
      String(approved.body.text).includes("Approved:") &&
      money.credits === 1200 &&
      money.entries === 1 &&
      updates.length === 1 &&
      JSON.stringify(updates[0]?.args.blocks).includes("Approved by") &&
      requesterDms(crossed.account).length === 1 &&
      problems.length === 0;
    recordScenario({
      scenario: "instances / request through one instance, approval through the other",
      attempts: 1,
      expected:
        "approved once; the channel message posted by the first is updated in place by the second; the requester gets one DM",
      observed: `answer “${approved.body.text}”; credits ${money.credits} in ${money.entries} entries; ${updates.length} updates of the posted message; ${requesterDms(crossed.account).length} DMs; ${problems.join("; ") || "consistent"}`,
      pass,
    });
  });

  it("the same Approve button clicked 10 times on each instance at once is applied once", async () => {
    await second.ask(users.support, `credits ${doubleClicked.customerId} 15 double click`);
    const posted = await postedRequest(first, doubleClicked.account);
    const approve = buttonLabelled(posted.args.blocks, "Approve");
    const clicks = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? first : second));
    const answers = await Promise.all(
      clicks.map((instance) => instance.approve(users.manager, approve)),
    );
    await delivered();
    const approvedAnswers = answers.filter((answer) =>
      String(answer.body.text).includes("Approved:"),
    ).length;
    const refusedClearly = answers.filter((answer) =>
      /already approved|decided by someone else/.test(String(answer.body.text)),
    ).length;
    const money = await moneyOf(first, doubleClicked.customerId);
    const updates = updatesOf(doubleClicked.account);
    const problems = await consistency(doubleClicked.customerId);
    recordScenario({
      scenario: "instances / the same Approve clicked on both instances at once",
      attempts: clicks.length,
      expected:
        "1 “Approved” answer and 19 clear “already approved / decided by someone else” answers; one ledger entry; one update of the channel message; one DM",
      observed: `${approvedAnswers} approved, ${refusedClearly} refused clearly; credits ${money.credits} in ${money.entries} entries; ${updates.length} message updates; ${requesterDms(doubleClicked.account).length} DMs; ${problems.join("; ") || "consistent"}`,
      pass:
        approvedAnswers === 1 &&
        refusedClearly === 19 &&
        money.credits === 1500 &&
        money.entries === 1 &&
        updates.length === 1 &&
        requesterDms(doubleClicked.account).length === 1 &&
        problems.length === 0,
    });
  });

  it("one instance's expiry sweep races another instance's Approve click (8 rounds, roles swapped): exactly one outcome each time", async () => {
    const outcomes: string[] = [];
    const problems: string[] = [];
    for (const [round, customer] of racing.entries()) {
      const [sweeper, approver] = round % 2 === 0 ? [first, second] : [second, first];
      await approver.ask(users.support, `credits ${customer.customerId} 2 sweep race ${round}`);
      const posted = await postedRequest(first, customer.account);
      // The sweeping instance's clock says the request is overdue; the approving one's says it is not.
      sweeper.advanceClock(ttlMs + 1000);
      // The sweep starts a little later each round, so both orders of arrival are exercised.
      const [answer] = await Promise.all([
        approver.approve(users.manager, buttonLabelled(posted.args.blocks, "Approve")),
        sleep(sweepDelaysMs[round] ?? 0).then(() => sweeper.bot.expireOverdueApprovals()),
      ]);
      sweeper.advanceClock(-(ttlMs + 1000));
      await delivered();
      const approval = await first.db
        .collection(collections.approvals)
        .findOne({ customerId: customer.customerId });
      const money = await moneyOf(first, customer.customerId);
      const updates = updatesOf(customer.account);
      const text = String(answer.body.text);
      const state = String(approval?.state);
      outcomes.push(state);
      const where = `round ${round} (${state})`;
      if (state === "approved") {
        if (!text.includes("Approved:")) problems.push(`${where}: approver told “${text}”`);
        if (money.credits !== 200 || money.entries !== 1)
          problems.push(`${where}: credits ${money.credits} in ${money.entries} entries`);
      } else if (state === "expired") {
        if (!/expired|decided by someone else/.test(text))
          problems.push(`${where}: approver told “${text}”`);
        if (money.credits !== 0 || money.entries !== 0)
          problems.push(`${where}: credits ${money.credits} in ${money.entries} entries`);
      } else problems.push(`${where}: unexpected state`);
      if (updates.length !== 1)
        problems.push(`${where}: ${updates.length} updates of the channel message`);
      const label = state === "approved" ? "Approved" : "Expired";
      if (updates.length === 1 && !JSON.stringify(updates[0]?.args.blocks).includes(label))
        problems.push(`${where}: the message does not say ${label}`);
      if (requesterDms(customer.account).length !== 1)
        problems.push(`${where}: ${requesterDms(customer.account).length} DMs to the requester`);
      problems.push(...(await consistency(customer.customerId)));
    }
    const tally = outcomes.reduce<Record<string, number>>((counts, state) => {
      counts[state] = (counts[state] ?? 0) + 1;
      return counts;
    }, {});
    recordScenario({
      scenario: "instances / expiry sweep on one instance vs Approve on the other",
      attempts: racing.length,
      expected:
        "each request ends approved (credits applied once, approver told) or expired (nothing applied, approver told it expired), never both; one message update and one DM per request",
      observed: `outcomes ${JSON.stringify(tally)}; ${problems.join("; ") || "each round had exactly one outcome"}`,
      pass: problems.length === 0,
    });
  });
});
