/**
 * Issue #6 item 6: many money operations at once, managers racing on the same requests, and Slack's
 * own retries of every request that changes something. Invariants checked throughout: stored values
 * equal what their ledger adds up to, nothing goes below zero, the pool's total = granted + left, and
 * every request is applied at most once (exactly once when its answer says so).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { moneyOf, poolOf, postedRequest } from "../support/money-helpers.js";
import { buttonLabelled } from "../support/slack-blocks.js";
import {
  deliverWithRetries,
  retriedClick,
  retriedCommand,
  retriedSubmission,
} from "./support/fault-retries.js";
import {
  answerText,
  auditCount,
  commandDelivery,
  deliverRaw,
  moneyProblems,
  poolProblems,
  sleep,
} from "./support/fault-tools.js";
import { recordScenario } from "./support/scenario-report.js";

let harness: Harness;
const secondManager = "UMANAGER02";
const busy = aCustomer({ account: "busy.account@example.com" });
const many = Array.from({ length: 10 }, (_, i) => aCustomer({ account: `many${i}@example.com` }));
const raced = Array.from({ length: 5 }, (_, i) => aCustomer({ account: `raced${i}@example.com` }));
const retried = aCustomer({ account: "retried.everything@example.com" });

beforeAll(async () => {
  harness = await startHarness({
    env: { MANAGER_USER_IDS: `${users.manager},${secondManager}` },
  });
  await insertCustomers(harness.db, [busy, ...many, ...raced, retried]);
  await harness.ask(users.admin, "pool set 1000");
});
afterAll(() => harness.stop());

/** A fixed shuffle (so a failure can be replayed): Fisher–Yates driven by a small LCG. */
function shuffled<T>(items: T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

interface Operation {
  customerId: string;
  /** Minor units; + refill, − deduct. */
  delta: number;
}

/**
 * Sends every operation as its own `/customer balance` at once and checks each against the ledger:
 * an "applied" answer has exactly one entry under its idempotency key, a refusal none.
 */
async function runConcurrently(operations: Operation[], tag: string) {
  const deliveries = operations.map((operation, i) => {
    const amount = `${operation.delta > 0 ? "+" : "-"}${Math.abs(operation.delta) / 100}`;
    return {
      ...operation,
      ...commandDelivery(
        harness,
        users.support,
        `balance ${operation.customerId} ${amount} ${tag} ${i}`,
        `${tag}${i}`,
      ),
    };
  });
  const started = Date.now();
  const statuses = await Promise.all(
    deliveries.map((delivery) => deliverRaw(harness, delivery.body)),
  );
  const answers = await Promise.all(
    deliveries.map((delivery) =>
      harness.slack.waitForResponse(delivery.responseUrl, undefined, 20_000).catch(() => null),
    ),
  );
  const elapsedMs = Date.now() - started;
  const entries = await harness.db
    .collection(collections.ledgerEntries)
    .find({
      idempotencyKey: { $in: deliveries.map((delivery) => `command:${delivery.triggerId}`) },
    })
    .toArray();
  const entriesByKey = new Map<string, number>();
  for (const entry of entries)
    entriesByKey.set(entry.idempotencyKey, (entriesByKey.get(entry.idempotencyKey) ?? 0) + 1);
  const problems: string[] = [];
  const appliedDelta = new Map<string, number>();
  let applied = 0;
  let refused = 0;
  for (const [i, delivery] of deliveries.entries()) {
    const stored = entriesByKey.get(`command:${delivery.triggerId}`) ?? 0;
    const answer = answers[i];
    if (statuses[i]?.status !== 200) problems.push(`op ${i}: HTTP ${statuses[i]?.status}`);
    if (!answer) {
      problems.push(`op ${i}: no answer`);
      continue;
    }
    const text = answerText(answer);
    if (text.includes("→")) {
      applied += 1;
      if (stored !== 1) problems.push(`op ${i}: answered applied, ${stored} ledger entries`);
      appliedDelta.set(
        delivery.customerId,
        (appliedDelta.get(delivery.customerId) ?? 0) + delivery.delta,
      );
    } else if (text.includes("Cannot deduct")) {
      refused += 1;
      if (stored !== 0) problems.push(`op ${i}: answered refused, ${stored} ledger entries`);
    } else problems.push(`op ${i}: unclear answer “${answer.body.text}”`);
  }
  return { applied, refused, problems, appliedDelta, elapsedMs };
}

/** Lowest balance any ledger entry of the customer left behind. */
async function lowestBalance(customerId: string): Promise<number> {
  const entries = await harness.db
    .collection(collections.ledgerEntries)
    .find({ customerId, kind: /^balance\./ })
    .toArray();
  return Math.min(...entries.map((entry) => Number(entry.after)));
}

describe("hundreds of concurrent money operations", () => {
  it("200 mixed refills (+$1) and deductions (−$3) at once on one customer starting at $20", async () => {
    await harness.ask(users.admin, `balance ${busy.customerId} +20 float`);
    const operations = shuffled(
      [
        ...Array.from({ length: 100 }, () => ({ customerId: busy.customerId, delta: 100 })),
        ...Array.from({ length: 100 }, () => ({ customerId: busy.customerId, delta: -300 })),
      ],
      7,
    );
    const run = await runConcurrently(operations, "one");
    const money = await moneyOf(harness, busy.customerId);
    const expected = 2000 + (run.appliedDelta.get(busy.customerId) ?? 0);
    const lowest = await lowestBalance(busy.customerId);
    const problems = [...run.problems, ...(await moneyProblems(harness, busy.customerId))];
    recordScenario({
      scenario: "concurrency / 200 mixed balance operations on one customer",
      attempts: operations.length,
      expected:
        "every operation answered applied (one ledger entry) or refused (none); balance = $20 + Σ applied = ledger sum; never below zero",
      observed: `${run.applied} applied, ${run.refused} refused in ${run.elapsedMs} ms; balance ${money.balance} (expected ${expected}, ledger ${money.ledgerBalance}, ${money.entries} entries); lowest balance after any entry ${lowest}; ${problems.join("; ") || "consistent"}`,
      pass:
        run.applied + run.refused === operations.length &&
        money.balance === expected &&
        money.entries === run.applied + 1 &&
        lowest >= 0 &&
        problems.length === 0,
    });
  });

  it("10 customers × 30 operations (+$1 / −$2) at once, each customer starting at $10", async () => {
    for (const customer of many)
      await harness.ask(users.admin, `balance ${customer.customerId} +10 float`);
    const operations = shuffled(
      many.flatMap((customer) => [
        ...Array.from({ length: 15 }, () => ({ customerId: customer.customerId, delta: 100 })),
        ...Array.from({ length: 15 }, () => ({ customerId: customer.customerId, delta: -200 })),
      ]),
      11,
    );
    const run = await runConcurrently(operations, "many");
    const problems = [...run.problems];
    for (const customer of many) {
      const money = await moneyOf(harness, customer.customerId);
      const expected = 1000 + (run.appliedDelta.get(customer.customerId) ?? 0);
      if (money.balance !== expected)
        problems.push(`${customer.account}: balance ${money.balance}, expected ${expected}`);
      const lowest = await lowestBalance(customer.customerId);
      if (lowest < 0) problems.push(`${customer.account}: went down to ${lowest}`);
      problems.push(...(await moneyProblems(harness, customer.customerId)));
    }
    recordScenario({
      scenario: "concurrency / 10 customers × 30 balance operations",
      attempts: operations.length,
      expected:
        "every operation answered applied or refused, matching the ledger; each balance = $10 + Σ its applied operations = its ledger sum; never below zero",
      observed: `${run.applied} applied, ${run.refused} refused in ${run.elapsedMs} ms; ${problems.join("; ") || "all 10 consistent"}`,
      pass: run.applied + run.refused === operations.length && problems.length === 0,
    });
  });
});

describe("two managers approving the same requests at once", () => {
  it("5 credit requests of $10 with $30 left in the pool, each clicked 10× by each of two managers at once: 3 applied once each, the pool never below zero", async () => {
    const granted = (await poolOf(harness)).granted;
    await harness.ask(users.admin, `pool set ${(granted + 3000) / 100}`);
    const approveButtons = [];
    for (const customer of raced) {
      await harness.ask(users.support, `credits ${customer.customerId} 10 race`);
      const posted = await postedRequest(harness, customer.account);
      approveButtons.push(buttonLabelled(posted.args.blocks, "Approve"));
    }
    const clicks = approveButtons.flatMap((button) =>
      Array.from({ length: 20 }, (_, i) => ({
        button,
        userId: i % 2 === 0 ? users.manager : secondManager,
      })),
    );
    const answers = await Promise.all(
      shuffled(clicks, 3).map(({ button, userId }) => harness.approve(userId, button)),
    );
    const approvedAnswers = answers.filter((answer) =>
      String(answer.body.text).includes("Approved:"),
    ).length;
    const shortAnswers = answers.filter((answer) =>
      String(answer.body.text).includes("has only"),
    ).length;
    const states = await harness.db
      .collection(collections.approvals)
      .find({ customerId: { $in: raced.map((customer) => customer.customerId) } })
      .toArray();
    const approved = states.filter((approval) => approval.state === "approved");
    const pending = states.filter((approval) => approval.state === "pending");
    const problems = [...(await poolProblems(harness))];
    for (const customer of raced)
      problems.push(...(await moneyProblems(harness, customer.customerId)));
    for (const approval of approved) {
      const entries = await harness.db
        .collection(collections.ledgerEntries)
        .countDocuments({ approvalId: approval._id.toHexString() });
      if (entries !== 1) problems.push(`${approval.account}: ${entries} ledger entries`);
    }
    const pool = await poolOf(harness);
    recordScenario({
      scenario: "concurrency / two managers clicking Approve on the same requests at once",
      attempts: clicks.length,
      expected:
        "3 requests approved, each by exactly one click with one ledger entry; 2 stay pending (pool short); pool left 0, total = granted + left",
      observed: `${approvedAnswers} “Approved” answers, ${shortAnswers} “pool has only” answers; states: ${approved.length} approved, ${pending.length} pending; pool ${JSON.stringify(pool)}; ${problems.join("; ") || "consistent"}`,
      pass:
        approvedAnswers === 3 &&
        approved.length === 3 &&
        pending.length === 2 &&
        pool.left === 0 &&
        problems.length === 0,
    });
  });
});

describe("Slack retries (X-Slack-Retry-Num 1 at once, then 2) of every request that changes something", () => {
  const account = retried.account;
  const customerId = retried.customerId;

  beforeAll(async () => {
    // The race above used up the pool; these requests need some of it.
    await harness.ask(users.admin, `pool set ${((await poolOf(harness)).granted + 10_000) / 100}`);
  });

  interface Effect {
    what: string;
    count: () => number | Promise<number>;
  }

  /**
   * Delivers a request as Slack does when its ack is late (original and retry 1 at once, then retry
   * 2) and records whether each of its effects happened exactly once.
   */
  async function retriedOnce(
    label: string,
    delivery: Parameters<typeof deliverWithRetries>[1],
    effects: Effect[],
  ) {
    const before = await Promise.all(effects.map((effect) => effect.count()));
    const statuses = await deliverWithRetries(harness, delivery);
    // Some flows answer before their work is done (e.g. refills): wait for every effect, then give a
    // duplicate the time to show up too.
    const deadline = Date.now() + 5000;
    for (;;) {
      const counts = await Promise.all(effects.map((effect) => effect.count()));
      if (counts.every((count, i) => count > (before[i] ?? 0)) || Date.now() > deadline) break;
      await sleep(50);
    }
    await sleep(150);
    const after = await Promise.all(effects.map((effect) => effect.count()));
    const changes = after.map((count, i) => count - (before[i] ?? 0));
    const answers = delivery.responseUrl
      ? harness.slack.responsesTo(delivery.responseUrl).length
      : 0;
    recordScenario({
      scenario: `concurrency / Slack retry of ${label}`,
      attempts: 3,
      expected: `HTTP 200 for the original and both retries; exactly once: ${effects.map((effect) => effect.what).join(", ")}`,
      observed: `statuses [${statuses.join(", ")}]; ${effects.map((effect, i) => `${effect.what} +${changes[i]}`).join(", ")}; ${answers} answers on the response_url`,
      pass: statuses.every((status) => status === 200) && changes.every((change) => change === 1),
    });
  }

  const ledgerEntries: Effect = {
    what: "ledger entries",
    count: async () => (await moneyOf(harness, customerId)).entries,
  };
  const approvalRequests: Effect = {
    what: "stored requests",
    count: () => harness.db.collection(collections.approvals).countDocuments({ customerId }),
  };
  const audited = (action: string, filter: Record<string, unknown> = {}): Effect => ({
    what: `${action} audit events`,
    count: () => auditCount(harness, { action, ...filter }),
  });
  const channelPosts = (fragment: string): Effect => ({
    what: "approvals-channel posts",
    count: () =>
      harness.slack
        .callsTo("chat.postMessage")
        .filter(
          (call) =>
            call.args.channel === harness.config.approvalsChannelId &&
            JSON.stringify(call.args).includes(fragment),
        ).length,
  });
  const requesterDms = (fragment: string): Effect => ({
    what: "DMs to the requester",
    count: () =>
      harness.slack
        .callsTo("chat.postMessage")
        .filter(
          (call) =>
            call.args.channel === users.support && JSON.stringify(call.args).includes(fragment),
        ).length,
  });

  it("command: balance", async () => {
    const delivery = retriedCommand(harness, users.support, `balance ${customerId} +7 retried`);
    await retriedOnce("/customer balance", delivery, [ledgerEntries]);
    expect(await moneyProblems(harness, customerId)).toEqual([]);
  });

  it("command: credits", async () => {
    const delivery = retriedCommand(harness, users.support, `credits ${customerId} 4 retried`);
    await retriedOnce("/customer credits", delivery, [approvalRequests, channelPosts(account)]);
  });

  it("command: tag", async () => {
    const delivery = retriedCommand(harness, users.support, `tag ${customerId} vip`);
    await retriedOnce("/customer tag", delivery, [
      audited("customer.tag", { "target.customerId": customerId }),
    ]);
  });

  it("commands: disable, then enable", async () => {
    const disable = retriedCommand(harness, users.support, `disable ${customerId}`);
    await retriedOnce("/customer disable", disable, [
      audited("customer.disable", { "target.customerId": customerId }),
    ]);
    const enable = retriedCommand(harness, users.support, `enable ${customerId}`);
    await retriedOnce("/customer enable", enable, [
      audited("customer.enable", { "target.customerId": customerId }),
    ]);
  });

  it("command: password (one offer), then a click on Confirm new password", async () => {
    const delivery = retriedCommand(harness, users.support, `password ${customerId}`);
    await retriedOnce("/customer password", delivery, [
      {
        what: "password offers",
        count: () =>
          harness.db.collection(collections.passwordResets).countDocuments({ customerId }),
      },
    ]);
    const offer = harness.slack.responsesTo(delivery.responseUrl ?? "")[0];
    const confirm = retriedClick(
      harness,
      users.support,
      buttonLabelled(offer?.body.blocks, "Confirm new password"),
    );
    await retriedOnce("a click on Confirm new password", confirm, [
      audited("customer.password.reset", { "target.customerId": customerId }),
    ]);
  });

  it("command: invite, then a click on Revoke", async () => {
    const email = "retried.invitee@example.com";
    const delivery = retriedCommand(harness, users.support, `invite ${email}`);
    await retriedOnce("/customer invite", delivery, [
      {
        what: "invites",
        count: () => harness.db.collection(collections.invites).countDocuments({ email }),
      },
    ]);
    const list = await harness.ask(users.support, "invites");
    const revoke = retriedClick(harness, users.support, buttonLabelled(list.body.blocks, "Revoke"));
    await retriedOnce("a click on Revoke", revoke, [audited("invite.revoke")]);
  });

  it("click: Approve, then its form", async () => {
    const posted = await postedRequest(harness, account);
    await harness.click(users.manager, buttonLabelled(posted.args.blocks, "Approve"));
    const approve = retriedSubmission(users.manager, await harness.openedModal(), {
      comment: "retried approval",
    });
    await retriedOnce("the approve form", approve, [
      ledgerEntries,
      requesterDms(`${account} was approved`),
    ]);
    expect(await moneyProblems(harness, customerId)).toEqual([]);
  });

  it("form submissions: create, balance, credits, reject", async () => {
    await harness.command(users.support, "create");
    const created = "retried.created@example.com";
    const create = retriedSubmission(users.support, await harness.openedModal(), {
      account: created,
      teamName: "Retried",
      teamType: "individual",
    });
    await retriedOnce("the create form", create, [
      {
        what: "customers",
        count: () =>
          harness.db.collection(collections.customers).countDocuments({ account: created }),
      },
      audited("customer.create", { "target.account": created }),
    ]);

    await harness.command(users.support, `balance ${customerId}`);
    const balance = retriedSubmission(users.support, await harness.openedModal(), {
      direction: "refill",
      amount: "3",
      reason: "retried form",
    });
    await retriedOnce("the balance form", balance, [ledgerEntries]);

    await harness.command(users.support, `credits ${customerId}`);
    const credits = retriedSubmission(users.support, await harness.openedModal(), {
      amount: "9",
      reason: "retried credits form",
    });
    await retriedOnce("the credits form", credits, [
      approvalRequests,
      channelPosts("retried credits form"),
    ]);

    const posted = await harness.slack.waitForCall(
      "chat.postMessage",
      (call) =>
        call.args.channel === harness.config.approvalsChannelId &&
        JSON.stringify(call.args).includes("retried credits form"),
    );
    await harness.click(users.manager, buttonLabelled(posted.args.blocks, "Reject"));
    const reject = retriedSubmission(users.manager, await harness.openedModal(), {
      reason: "retried rejection",
    });
    await retriedOnce("the reject form", reject, [
      audited("approval.reject", { "target.customerId": customerId }),
      requesterDms("retried rejection"),
    ]);
    expect(await moneyProblems(harness, customerId)).toEqual([]);
    expect(await poolProblems(harness)).toEqual([]);
    expect(harness.slack.limitViolations).toEqual([]);
  });
});
