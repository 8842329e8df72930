/**
 * The fault lane: the money and approval flows run end to end — signed slash commands, button
 * clicks and modal submissions — while MongoDB misbehaves through its own `failCommand` fail point
 * (write conflicts, unknown commit results, dropped and blocked connections), scoped to this app by
 * its driver appName; and with real write conflicts between managers approving at once. After each
 * scenario: balance and credits equal their ledger sums, the pool's total = granted + left and
 * granted = the customers' credits, nothing is negative, every request is applied at most once and
 * answered once, and every Slack side effect (approval post, message update, DM, audit line) is sent
 * exactly once per committed change and never for an aborted attempt.
 */
import { MongoClient } from "mongodb";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { databaseUnavailableMessage } from "../../src/errors/user-message.js";
import { type Harness, type SentView, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { moneyOf, poolOf, postedRequest } from "../support/money-helpers.js";
import {
  type FailCommand,
  type FailPointMode,
  type FailPoints,
  failPointsFor,
  faultMongoUnavailableReason,
  startFaultMongo,
  uniqueAppName,
} from "../support/mongo/fail-points.js";
import { typeIntoPicker } from "../support/picker.js";
import type { RecordedCall } from "../support/slack/fake-slack-api.js";
import { buttonLabelled, visibleText } from "../support/slack-blocks.js";
import {
  answerText,
  answerTo,
  commandDelivery,
  deliverRaw,
  moneyProblems,
  poolProblems,
  sleep,
} from "./support/fault-tools.js";
import { recordScenario } from "./support/scenario-report.js";
import {
  describeEffects,
  effectsOfStep,
  noEffects,
  type SlackEffects,
  sameEffects,
  slackEffectsFor,
} from "./support/slack-effects.js";

/** The fail point is this file's own (see `startFaultMongo`); appName keeps it off the test's reads. */
const unavailable = await faultMongoUnavailableReason();
if (unavailable) console.log(`fault lane skipped: ${unavailable}`);
let mongo: Awaited<ReturnType<typeof startFaultMongo>> | undefined;

const appName = uniqueAppName();
const auditChannel = "CAUDITLANE";
const managers = [users.manager, "UMANAGER02", "UMANAGER03", "UMANAGER04"] as const;
let harness: Harness;
/**
 * The harness as the test reads the database: through a client of its own (another appName), so
 * that no fail point meets the test's own commands and no pool the app's faults clear is the test's.
 */
let observer: Harness;
let control: MongoClient;
let faults: FailPoints;
/** WriteConflict replies the app's client received (injected or real), for the report. */
let writeConflictsSeen = 0;

const writeConflict = (command: string): FailCommand => ({
  failCommands: [command],
  errorCode: 112,
});
const once: FailPointMode = { times: 1 };

/** Every customer of a scenario starts from this float, put in by an admin before any fault. */
const float = 2000;
let customerCount = 0;
const allCustomers: ReturnType<typeof aCustomer>[] = [];

function newCustomer(label: string) {
  customerCount += 1;
  const customer = aCustomer({ account: `lane${customerCount}.${label}@example.com` });
  allCustomers.push(customer);
  return customer;
}

describe.skipIf(unavailable !== null)("the fault lane", () => {
  beforeAll(async () => {
    mongo = await startFaultMongo();
    const { uri } = mongo;
    harness = await startHarness({
      env: { AUDIT_CHANNEL_ID: auditChannel, MANAGER_USER_IDS: managers.join(",") },
      // Command monitoring only counts what MongoDB answered (e.g. write conflicts); it changes nothing.
      mongo: { uri, clientOptions: { appName, monitorCommands: true } },
    });
    harness.database.client.on("commandFailed", (event) => {
      if ((event.failure as { code?: unknown }).code === 112) writeConflictsSeen += 1;
    });
    control = await new MongoClient(uri, { appName: `${appName}-test` }).connect();
    observer = { ...harness, db: control.db(harness.db.databaseName) };
    faults = failPointsFor(control, appName);
    await harness.ask(users.admin, "pool set 1000");
  });
  afterEach(async () => {
    await faults.off();
  });
  afterAll(async () => {
    await faults?.off();
    await control?.close();
    await harness?.stop();
    await mongo?.stop();
  });

  /** Fresh customers at $0. */
  async function unfundedCustomers(...labels: string[]) {
    const created = labels.map(newCustomer);
    await insertCustomers(observer.db, created);
    return created;
  }

  /** Fresh customers, each refilled with the float by an admin (so their ledgers start consistent). */
  async function customers(...labels: string[]) {
    const created = await unfundedCustomers(...labels);
    await Promise.all(
      created.map((customer) =>
        harness.ask(users.admin, `balance ${customer.customerId} +${float / 100} float`),
      ),
    );
    return created;
  }

  const effectsOf = (account: string) =>
    slackEffectsFor(harness, account, { auditChannel, requester: users.support });

  /** Runs `work` with the fail point armed for this app; resolves with its result and how often the point fired. */
  async function underFault<T>(
    mode: FailPointMode,
    data: FailCommand,
    work: () => Promise<T>,
  ): Promise<{ result: T; fired: number }> {
    await faults.set(mode, data);
    let fired = 0;
    let result: T;
    try {
      result = await work();
    } finally {
      fired = await faults.off();
    }
    return { result, fired };
  }

  /** The invariants an accountant checks, for the given customers and the pool. */
  async function invariantProblems(customerIds: string[]): Promise<string[]> {
    const problems = [...(await poolProblems(observer))];
    for (const customerId of customerIds)
      problems.push(...(await moneyProblems(observer, customerId)));
    const approvals = await observer.db
      .collection(collections.approvals)
      .find({ customerId: { $in: customerIds } })
      .toArray();
    for (const approval of approvals) {
      const entries = await observer.db
        .collection(collections.ledgerEntries)
        .countDocuments({ approvalId: approval._id.toHexString() });
      const expected = approval.state === "approved" ? 1 : 0;
      if (entries !== expected)
        problems.push(`${approval.account}: ${approval.state} request with ${entries} entries`);
    }
    return problems;
  }

  /** Committed audit events of a customer that the audit channel must show, one line each. */
  function doneAuditEvents(customerId: string): Promise<number> {
    return observer.db
      .collection(collections.auditEvents)
      .countDocuments({ "target.customerId": customerId, outcome: "done" });
  }

  interface Step {
    /** What the person sees: the answer text(s) the step got. */
    answers: () => string[];
    /** Milliseconds until the HTTP ack of the request under fault, when measured. */
    ackMs?: number;
  }

  interface FaultScenario {
    name: string;
    customer: ReturnType<typeof aCustomer>;
    mode: FailPointMode;
    fault: FailCommand;
    /** The fail point must fire at least this often, or the scenario tested nothing. */
    minFired: number;
    act: () => Promise<Step>;
    /** Text the answer must contain: the change, stated as applied. */
    answered: string;
    balance: number;
    credits: number;
    newEntries: number;
    effects: SlackEffects;
  }

  /** One request under a fault, then every check, recorded as one row of the reliability report. */
  async function runScenario(scenario: FaultScenario): Promise<void> {
    const { customer } = scenario;
    // Lines owed by earlier steps (e.g. creating the customer) must not count as this step's.
    await harness.outboxDelivered();
    const before = await moneyOf(observer, customer.customerId);
    const effectsBefore = effectsOf(customer.account);
    const started = Date.now();
    const { result: step, fired } = await underFault(scenario.mode, scenario.fault, scenario.act);
    const ms = Date.now() - started;
    const effects = await effectsOfStep(
      () => effectsOf(customer.account),
      effectsBefore,
      scenario.effects,
    );
    const after = await moneyOf(observer, customer.customerId);
    const auditLinesInAll = effectsOf(customer.account).auditLines;
    const auditEvents = await doneAuditEvents(customer.customerId);
    const problems = await invariantProblems([customer.customerId]);
    const answers = step.answers();
    const told = answers.join(" | ");
    if (answers.length !== 1) problems.push(`${answers.length} answers`);
    if (!told.includes(scenario.answered)) problems.push(`answer lacks “${scenario.answered}”`);
    if (/something went wrong|not reachable/i.test(told)) problems.push("answer says it failed");
    if (after.balance !== scenario.balance) problems.push(`balance ${after.balance}`);
    if (after.credits !== scenario.credits) problems.push(`credits ${after.credits}`);
    if (after.entries - before.entries !== scenario.newEntries)
      problems.push(`${after.entries - before.entries} new ledger entries`);
    if (!sameEffects(effects, scenario.effects))
      problems.push(`Slack got ${describeEffects(effects)}`);
    if (auditLinesInAll !== auditEvents)
      problems.push(`${auditLinesInAll} audit lines for ${auditEvents} committed audit events`);
    if (fired < scenario.minFired) problems.push(`fail point fired ${fired}×`);
    if (step.ackMs !== undefined && step.ackMs >= 3000)
      problems.push(`acked after ${step.ackMs} ms`);
    recordScenario({
      scenario: `fault lane / ${scenario.name}`,
      attempts: 1,
      expected: `answered once “…${scenario.answered}…”; balance ${scenario.balance}, credits ${scenario.credits}, +${scenario.newEntries} ledger entries; Slack: ${describeEffects(scenario.effects)}; ledger, pool and audit channel consistent`,
      observed: `fail point ${JSON.stringify(scenario.fault)} fired ${fired}×; ${ms} ms${step.ackMs === undefined ? "" : `, ack ${step.ackMs} ms`}; told “${told.slice(0, 90)}”; balance ${after.balance}, credits ${after.credits}, +${after.entries - before.entries} entries; Slack: ${describeEffects(effects)}; ${problems.join("; ") || "consistent"}`,
      pass: problems.length === 0,
    });
  }

  /** The answers a response_url got, read when asked (after the step's effects are all in). */
  const answersOn = (responseUrl: string) => () =>
    harness.slack.responsesTo(responseUrl).map(answerText);

  async function viaCommand(text: string, userId: string = users.support): Promise<Step> {
    const { status, responseUrl } = await harness.command(userId, text);
    if (status !== 200) throw new Error(`/customer ${text} answered HTTP ${status}`);
    await harness.slack.waitForResponse(responseUrl, undefined, 15_000);
    return { answers: answersOn(responseUrl) };
  }

  /** Opens the balance form from the customer's card, as a person does (no fault yet). */
  async function openBalanceForm(account: string) {
    const card = await harness.ask(users.support, `show ${account}`);
    const { responseUrl } = await harness.click(
      users.support,
      buttonLabelled(card.body.blocks, "Manage balance"),
    );
    return { view: await harness.openedModal(), responseUrl };
  }

  /** Submits a form and waits for its answer on the response_url the form came from. */
  async function submitAndWait(
    userId: string,
    form: { view: SentView; responseUrl: string },
    values: Record<string, string>,
  ): Promise<Step> {
    const started = Date.now();
    const submitted = await harness.submitModal(userId, form.view, values);
    const ackMs = Date.now() - started;
    if (submitted.json !== undefined) {
      const acked = JSON.stringify(submitted.json);
      return { answers: () => [acked], ackMs };
    }
    await harness.slack.waitForResponse(form.responseUrl, undefined, 10_000);
    return { answers: answersOn(form.responseUrl), ackMs };
  }

  /** Support asks for credits (no fault); resolves with the request as posted in the approvals channel. */
  async function requestCredits(customer: { customerId: string; account: string }, target: number) {
    await harness.ask(users.support, `credits ${customer.customerId} ${target} lane request`);
    return postedRequest(harness, customer.account);
  }

  async function approve(posted: RecordedCall, managerId: string = users.manager): Promise<Step> {
    const responseUrl = harness.slack.responseUrl();
    await harness.approve(managerId, buttonLabelled(posted.args.blocks, "Approve"), {
      responseUrl,
    });
    return { answers: answersOn(responseUrl) };
  }

  describe("WriteConflict (112) on the first attempt of a write inside a transaction: withTransaction runs it again", () => {
    it("balance refill and deduction by command: applied once, answered once, one audit line each", async () => {
      const [refill, deduct] = await customers("wc-refill-command", "wc-deduct-command");
      if (!refill || !deduct) throw new Error("no customers");
      await runScenario({
        name: "WriteConflict on the idempotency-key insert of /customer balance +10",
        customer: refill,
        mode: once,
        fault: writeConflict("insert"),
        minFired: 1,
        act: () => viaCommand(`balance ${refill.customerId} +10 conflicted refill`),
        answered: "$20.00 → $30.00",
        balance: float + 1000,
        credits: 0,
        newEntries: 1,
        effects: { ...noEffects, auditLines: 1 },
      });
      await runScenario({
        name: "WriteConflict on the guarded balance update of /customer balance -4",
        customer: deduct,
        mode: once,
        fault: writeConflict("findAndModify"),
        minFired: 1,
        act: () => viaCommand(`balance ${deduct.customerId} -4 conflicted deduction`),
        answered: "$20.00 → $16.00",
        balance: float - 400,
        credits: 0,
        newEntries: 1,
        effects: { ...noEffects, auditLines: 1 },
      });
    });

    it("balance refill and deduction through the card's form: applied once, answered once in the conversation", async () => {
      const [refill, deduct] = await customers("wc-refill-form", "wc-deduct-form");
      if (!refill || !deduct) throw new Error("no customers");
      const refillForm = await openBalanceForm(refill.account);
      await runScenario({
        name: "WriteConflict on the idempotency-key insert of the balance form (refill $7)",
        customer: refill,
        mode: once,
        fault: writeConflict("insert"),
        minFired: 1,
        act: () =>
          submitAndWait(users.support, refillForm, {
            direction: "refill",
            amount: "7",
            reason: "conflicted form refill",
          }),
        answered: "$20.00 → $27.00",
        balance: float + 700,
        credits: 0,
        newEntries: 1,
        effects: { ...noEffects, auditLines: 1 },
      });
      const deductForm = await openBalanceForm(deduct.account);
      await runScenario({
        name: "WriteConflict on the guarded balance update of the balance form (deduct $5)",
        customer: deduct,
        mode: once,
        fault: writeConflict("findAndModify"),
        minFired: 1,
        act: () =>
          submitAndWait(users.support, deductForm, {
            direction: "deduct",
            amount: "5",
            reason: "conflicted form deduction",
          }),
        answered: "$20.00 → $15.00",
        balance: float - 500,
        credits: 0,
        newEntries: 1,
        effects: { ...noEffects, auditLines: 1 },
      });
    });

    it("a credits request and its approval: one stored request, one post; one grant, one message update, one DM", async () => {
      const [customer] = await customers("wc-credits");
      if (!customer) throw new Error("no customer");
      await runScenario({
        name: "WriteConflict on the insert of the approval request (/customer credits 6)",
        customer,
        mode: once,
        fault: writeConflict("insert"),
        minFired: 1,
        act: () => viaCommand(`credits ${customer.customerId} 6 conflicted request`),
        answered: "Approval requested",
        balance: float,
        credits: 0,
        newEntries: 0,
        effects: { ...noEffects, approvalPosts: 1, auditLines: 1 },
      });
      const posted = await postedRequest(harness, customer.account);
      await runScenario({
        name: "WriteConflict on claiming the approval (first write of Approve)",
        customer,
        mode: once,
        fault: writeConflict("findAndModify"),
        minFired: 1,
        act: () => approve(posted),
        answered: "Approved:",
        balance: float,
        credits: 600,
        newEntries: 1,
        effects: { ...noEffects, approvalUpdates: 1, requesterDms: 1, auditLines: 2 },
      });
    });

    it("Approve with the conflict late in the transaction (after the customer and the pool moved): rolled back, run again, applied once", async () => {
      const [midway, last] = await customers("wc-approve-ledger", "wc-approve-last");
      if (!midway || !last) throw new Error("no customers");
      const midwayRequest = await requestCredits(midway, 8);
      await runScenario({
        name: "WriteConflict on the ledger insert of Approve (after the customer and pool updates)",
        customer: midway,
        mode: once,
        fault: writeConflict("insert"),
        minFired: 1,
        act: () => approve(midwayRequest),
        answered: "Approved:",
        balance: float,
        credits: 800,
        newEntries: 1,
        effects: { ...noEffects, approvalUpdates: 1, requesterDms: 1, auditLines: 2 },
      });
      const lastRequest = await requestCredits(last, 9);
      await runScenario({
        name: "WriteConflict on the last write of Approve (the pool left after, on the request)",
        customer: last,
        mode: once,
        fault: writeConflict("update"),
        minFired: 1,
        act: () => approve(lastRequest),
        answered: "Approved:",
        balance: float,
        credits: 900,
        newEntries: 1,
        effects: { ...noEffects, approvalUpdates: 1, requesterDms: 1, auditLines: 2 },
      });
    });

    it("Reject through its form: one message update, one DM with the reason, nothing moved", async () => {
      const [customer] = await customers("wc-reject");
      if (!customer) throw new Error("no customer");
      const posted = await requestCredits(customer, 4);
      const { responseUrl } = await harness.click(
        users.manager,
        buttonLabelled(posted.args.blocks, "Reject"),
      );
      const form = { view: await harness.openedModal(), responseUrl };
      await runScenario({
        name: "WriteConflict on the audit insert of Reject (after the request was claimed)",
        customer,
        mode: once,
        fault: writeConflict("insert"),
        minFired: 1,
        act: () => submitAndWait(users.manager, form, { reason: "conflicted rejection" }),
        answered: "Rejected",
        balance: float,
        credits: 0,
        newEntries: 0,
        effects: { ...noEffects, approvalUpdates: 1, requesterDms: 1, auditLines: 1 },
      });
    });
  });

  describe("commitTransaction fails with an unknown result: the driver commits again", () => {
    it("connection dropped on the commit, twice (the driver's own retry too): the refill is applied once and answered as applied", async () => {
      const [customer] = await customers("commit-dropped");
      if (!customer) throw new Error("no customer");
      await runScenario({
        name: "connection closed on commitTransaction ×2 (/customer balance +3)",
        customer,
        mode: { times: 2 },
        fault: { failCommands: ["commitTransaction"], closeConnection: true },
        minFired: 2,
        act: () => viaCommand(`balance ${customer.customerId} +3 commit dropped`),
        answered: "$20.00 → $23.00",
        balance: float + 300,
        credits: 0,
        newEntries: 1,
        effects: { ...noEffects, auditLines: 1 },
      });
    });

    it("ShutdownInProgress (91) labelled RetryableWriteError on the commit of Approve, twice: granted once, one update, one DM", async () => {
      const [customer] = await customers("commit-shutdown");
      if (!customer) throw new Error("no customer");
      const posted = await requestCredits(customer, 5);
      await runScenario({
        name: "ShutdownInProgress (RetryableWriteError) on commitTransaction ×2 (Approve)",
        customer,
        mode: { times: 2 },
        fault: {
          failCommands: ["commitTransaction"],
          errorCode: 91,
          errorLabels: ["RetryableWriteError"],
        },
        minFired: 2,
        act: () => approve(posted, managers[1]),
        answered: "Approved:",
        balance: float,
        credits: 500,
        newEntries: 1,
        effects: { ...noEffects, approvalUpdates: 1, requesterDms: 1, auditLines: 2 },
      });
    });

    it("a commit that was made but whose write concern timed out (64): the driver commits again; granted once, one update, one DM", async () => {
      const [customer] = await customers("commit-wtimeout");
      if (!customer) throw new Error("no customer");
      const posted = await requestCredits(customer, 7);
      await runScenario({
        name: "writeConcernError (wtimeout) on a commitTransaction that committed (Approve)",
        customer,
        mode: once,
        fault: {
          failCommands: ["commitTransaction"],
          writeConcernError: {
            code: 64,
            codeName: "WriteConcernFailed",
            errmsg: "waiting for replication timed out",
            errInfo: { wtimeout: true },
          },
        },
        minFired: 1,
        act: () => approve(posted, managers[2]),
        answered: "Approved:",
        balance: float,
        credits: 700,
        newEntries: 1,
        effects: { ...noEffects, approvalUpdates: 1, requesterDms: 1, auditLines: 2 },
      });
    });

    it("PrimarySteppedDown (189, labelled by the server) on the commit of the balance form's deduction: applied once", async () => {
      const [customer] = await customers("commit-stepdown");
      if (!customer) throw new Error("no customer");
      const form = await openBalanceForm(customer.account);
      await runScenario({
        name: "PrimarySteppedDown on commitTransaction (balance form, deduct $2)",
        customer,
        mode: once,
        fault: { failCommands: ["commitTransaction"], errorCode: 189 },
        minFired: 1,
        act: () =>
          submitAndWait(users.support, form, {
            direction: "deduct",
            amount: "2",
            reason: "stepped down at commit",
          }),
        answered: "$20.00 → $18.00",
        balance: float - 200,
        credits: 0,
        newEntries: 1,
        effects: { ...noEffects, auditLines: 1 },
      });
    });
  });

  type Outcome = "applied" | "not-reachable" | "other";

  function outcomeOf(text: string, applied: string): Outcome {
    if (text.includes(databaseUnavailableMessage)) return "not-reachable";
    if (text.includes(applied)) return "applied";
    return "other";
  }

  describe("a connection dropped on a write outside a transaction", () => {
    interface PlainWriteCase {
      name: string;
      mode: FailPointMode;
      fault: FailCommand;
      run: () => Promise<string>;
      /** Text of the answer when it worked. */
      applied: string;
      /** How many of what the request makes exist afterwards. */
      made: () => Promise<number>;
    }

    /** The answer is "not reachable, nothing was changed" with nothing made, or applied with one made — never both, never unclear. */
    async function plainWrite(scenario: PlainWriteCase): Promise<Outcome> {
      const before = await scenario.made();
      const { result: text, fired } = await underFault(scenario.mode, scenario.fault, scenario.run);
      const made = (await scenario.made()) - before;
      const outcome = outcomeOf(text, scenario.applied);
      const consistent =
        (outcome === "applied" && made === 1) || (outcome === "not-reachable" && made === 0);
      recordScenario({
        scenario: `fault lane / ${scenario.name}`,
        attempts: 1,
        expected:
          "answered “not reachable, nothing was changed” with nothing made, or as applied with exactly one made; never “something went wrong”",
        observed: `fail point fired ${fired}×; answered ${outcome} (“${text.slice(0, 80).replace(/\s+/g, " ")}”); ${made} made`,
        pass: consistent && fired > 0,
      });
      return outcome;
    }

    const dropped = (command: string): FailCommand => ({
      failCommands: [command],
      closeConnection: true,
    });

    it("/customer password (its delivery is taken with a plain insert): dropped once it is retried and works; dropped twice it is 'not reachable'", async () => {
      const [customer] = await customers("dropped-password");
      if (!customer) throw new Error("no customer");
      const offers = () =>
        observer.db
          .collection(collections.passwordResets)
          .countDocuments({ customerId: customer.customerId });
      const ask = async () =>
        answerText(await answerTo(harness, users.support, `password ${customer.customerId}`));
      const outcomes = [
        await plainWrite({
          name: "connection closed once on the delivery insert of /customer password",
          mode: once,
          fault: dropped("insert"),
          run: ask,
          applied: "Confirm new password",
          made: offers,
        }),
        await plainWrite({
          name: "connection closed twice (retry included) on the delivery insert of /customer password",
          mode: { times: 2 },
          fault: dropped("insert"),
          run: ask,
          applied: "Confirm new password",
          made: offers,
        }),
      ];
      recordScenario({
        scenario: "fault lane / /customer password after a dropped connection",
        attempts: 2,
        expected:
          "the driver's retry absorbs one drop (applied); two drops are answered not reachable",
        observed: outcomes.join(", "),
        pass: outcomes[0] === "applied" && outcomes[1] === "not-reachable",
      });
    });

    it("/customer invite while the primary shuts down (91 on the delivery insert, the retry too): 'not reachable', no invite; then it works", async () => {
      const invites = (email: string) => () =>
        observer.db.collection(collections.invites).countDocuments({ email });
      const ask = (email: string) => async () =>
        answerText(await answerTo(harness, users.support, `invite ${email}`));
      const email = "lane.invitee@example.com";
      const outcomes = [
        await plainWrite({
          name: "ShutdownInProgress ×2 on the delivery insert of /customer invite",
          mode: { times: 2 },
          fault: { failCommands: ["insert"], errorCode: 91 },
          run: ask(email),
          applied: "console.example.test",
          made: invites(email),
        }),
        await plainWrite({
          name: "connection closed once on the delivery insert of /customer invite",
          mode: once,
          fault: dropped("insert"),
          run: ask(email),
          applied: "console.example.test",
          made: invites(email),
        }),
      ];
      recordScenario({
        scenario: "fault lane / /customer invite while the primary shuts down",
        attempts: 2,
        expected: "not reachable while it shuts down, applied once after a single drop",
        observed: outcomes.join(", "),
        pass: outcomes[0] === "not-reachable" && outcomes[1] === "applied",
      });
    });

    it("the plain updates after a credits request (the outbox's bookkeeping of its post, where it was posted) are dropped twice: posted once, the receipt says so, and the decision updates that message", async () => {
      const [customer] = await customers("dropped-remember");
      if (!customer) throw new Error("no customer");
      await harness.outboxDelivered();
      const effectsBefore = effectsOf(customer.account);
      const { result, fired } = await underFault({ times: 2 }, dropped("update"), async () => {
        const answer = await answerTo(
          harness,
          users.support,
          `credits ${customer.customerId} 3 remember`,
        );
        // The fault stays on until the post is out: the updates it drops come after the answer.
        const post = await postedRequest(harness, customer.account);
        return { text: visibleText(answer.body.blocks), post };
      });
      const { text: receipt, post: posted } = result;
      const approved = await approve(posted);
      const effects = await effectsOfStep(() => effectsOf(customer.account), effectsBefore, {
        approvalPosts: 1,
        approvalUpdates: 1,
        requesterDms: 1,
        auditLines: 3,
      });
      const problems = await invariantProblems([customer.customerId]);
      const saysPosted = receipt.includes(
        `waiting for a manager in <#${harness.config.approvalsChannelId}>`,
      );
      recordScenario({
        scenario: "fault lane / connection closed ×2 on the plain updates after a credits request",
        attempts: 2,
        expected:
          "the receipt says the request was posted (it was, once); Approve updates that message once and DMs once",
        observed: `fail point fired ${fired}×; receipt “${receipt.split("\n")[0]?.slice(0, 120)}”; approve: “${approved.answers()[0]?.slice(0, 60)}”; Slack: ${describeEffects(effects)}; ${problems.join("; ") || "consistent"}`,
        pass:
          fired === 2 &&
          saysPosted &&
          sameEffects(effects, {
            approvalPosts: 1,
            approvalUpdates: 1,
            requesterDms: 1,
            auditLines: 3,
          }) &&
          problems.length === 0,
      });
    });

    it("every insert's connection dropped for a second during 10 concurrent refills: each answer matches the ledger, one audit line per applied refill", async () => {
      const [customer] = await customers("dropped-burst");
      if (!customer) throw new Error("no customer");
      await harness.outboxDelivered();
      const effectsBefore = effectsOf(customer.account);
      const before = await moneyOf(observer, customer.customerId);
      const deliveries = Array.from({ length: 10 }, (_, i) =>
        commandDelivery(
          harness,
          users.support,
          `balance ${customer.customerId} +1 burst ${i}`,
          `lane${i}`,
        ),
      );
      await faults.set("alwaysOn", dropped("insert"));
      let fired = 0;
      try {
        const sent = Promise.all(deliveries.map((delivery) => deliverRaw(harness, delivery.body)));
        await sleep(1000);
        fired = await faults.off();
        await sent;
      } finally {
        await faults.off();
      }
      const answers = await Promise.all(
        deliveries.map((delivery) =>
          harness.slack.waitForResponse(delivery.responseUrl, undefined, 15_000).catch(() => null),
        ),
      );
      const problems: string[] = [];
      const outcomes: Record<Outcome, number> = { applied: 0, "not-reachable": 0, other: 0 };
      for (const [i, delivery] of deliveries.entries()) {
        const answer = answers[i];
        if (!answer) {
          problems.push(`request ${i}: no answer`);
          continue;
        }
        const outcome = outcomeOf(answerText(answer), "→");
        outcomes[outcome] += 1;
        const stored = await observer.db
          .collection(collections.ledgerEntries)
          .countDocuments({ idempotencyKey: `command:${delivery.triggerId}` });
        if (outcome === "applied" && stored !== 1)
          problems.push(`request ${i}: applied ×${stored}`);
        if (outcome === "not-reachable" && stored !== 0)
          problems.push(`request ${i}: “nothing was changed”, but applied`);
        if (outcome === "other") problems.push(`request ${i}: “${answer.body.text}”`);
        if (harness.slack.responsesTo(delivery.responseUrl).length !== 1)
          problems.push(
            `request ${i}: ${harness.slack.responsesTo(delivery.responseUrl).length} answers`,
          );
      }
      const effects = await effectsOfStep(() => effectsOf(customer.account), effectsBefore, {
        ...noEffects,
        auditLines: outcomes.applied,
      });
      const after = await moneyOf(observer, customer.customerId);
      if (after.entries - before.entries !== outcomes.applied)
        problems.push(`${after.entries - before.entries} entries for ${outcomes.applied} applied`);
      if (effects.auditLines !== outcomes.applied)
        problems.push(`${effects.auditLines} audit lines for ${outcomes.applied} applied`);
      problems.push(...(await invariantProblems([customer.customerId])));
      recordScenario({
        scenario:
          "fault lane / every insert's connection closed for a second during 10 concurrent refills",
        attempts: 10,
        expected:
          "every request answered once: applied (one entry, one audit line) or not reachable (none); never unclear",
        observed: `fail point fired ${fired}×; ${JSON.stringify(outcomes)}; balance ${after.balance}; ${problems.join("; ") || "consistent"}`,
        pass: fired > 0 && problems.length === 0,
      });
    });
  });

  describe("a blocked connection (2.5 s) on the first command of a form submission", () => {
    it("the balance form (deduct) and a Reject form from App Home are acked before the database answers, within Slack's 3 s, then applied once and answered", async () => {
      const [deducted, rejected] = await customers("blocked-deduct", "blocked-reject");
      if (!deducted || !rejected) throw new Error("no customers");
      const form = await openBalanceForm(deducted.account);
      const posted = await requestCredits(rejected, 2);
      // From App Home a click has no response_url: the form's answer can only go in the modal.
      await harness.clickInHome(users.manager, buttonLabelled(posted.args.blocks, "Reject"));
      const rejectView = await harness.openedModal();
      const effectsBefore = {
        deducted: effectsOf(deducted.account),
        rejected: effectsOf(rejected.account),
      };
      // Let the work of the clicks above finish, so the fail point meets the submissions first.
      await sleep(200);
      const blockTimeMS = 2500;
      const submitTimed = async (
        userId: string,
        view: SentView,
        values: Record<string, string>,
      ) => {
        const started = Date.now();
        const submitted = await harness.submitModal(userId, view, values, {
          viewId: `VBLOCKED${userId}`,
        });
        return { ...submitted, ackMs: Date.now() - started, started };
      };
      const { result, fired } = await underFault(
        { times: 2 },
        { failCommands: ["find"], blockConnection: true, blockTimeMS },
        async () => {
          const [deduction, rejection] = await Promise.all([
            submitTimed(users.support, form.view, {
              direction: "deduct",
              amount: "6",
              reason: "blocked database",
            }),
            submitTimed(users.manager, rejectView, { reason: "blocked database" }),
          ]);
          const [answer, updated] = await Promise.all([
            harness.slack.waitForResponse(form.responseUrl, undefined, 6000).catch(() => null),
            harness.slack
              .waitForCall(
                "views.update",
                (call) => call.args.view_id === `VBLOCKED${users.manager}`,
                6000,
              )
              .catch(() => null),
          ]);
          return {
            deduction,
            rejection,
            answer: answer ? answerText(answer) : "(no answer)",
            answerMs: answer ? answer.at - deduction.started : Number.NaN,
            updated: updated
              ? visibleText((updated.args.view as { blocks?: unknown }).blocks)
              : "(no views.update)",
            updatedMs: updated ? updated.at - rejection.started : Number.NaN,
          };
        },
      );
      const effects = {
        deducted: await effectsOfStep(() => effectsOf(deducted.account), effectsBefore.deducted, {
          ...noEffects,
          auditLines: 1,
        }),
        rejected: await effectsOfStep(() => effectsOf(rejected.account), effectsBefore.rejected, {
          ...noEffects,
          approvalUpdates: 1,
          requesterDms: 1,
          auditLines: 1,
        }),
      };
      const money = await moneyOf(observer, deducted.customerId);
      const state = (
        await observer.db
          .collection(collections.approvals)
          .findOne({ customerId: rejected.customerId })
      )?.state;
      const problems = await invariantProblems([deducted.customerId, rejected.customerId]);
      const savingShown = JSON.stringify(result.rejection.json ?? {}).includes("Saving");
      const checks = {
        "fired twice": fired === 2,
        "deduction acked within 3 s":
          result.deduction.status === 200 && result.deduction.ackMs < 3000,
        "rejection acked within 3 s":
          result.rejection.status === 200 && result.rejection.ackMs < 3000,
        "neither ack waited for the blocked database":
          result.deduction.ackMs < blockTimeMS && result.rejection.ackMs < blockTimeMS,
        "the database was blocked": result.answerMs >= blockTimeMS,
        "deduction answered as applied": result.answer.includes("$20.00 → $14.00"),
        "deduction applied once": money.balance === float - 600 && money.entries === 2,
        "answered once": harness.slack.responsesTo(form.responseUrl).length === 1,
        "Home form said it is saving, then showed the rejection":
          savingShown && result.updated.includes("Rejected"),
        "request rejected": state === "rejected",
        "Slack effects once":
          sameEffects(effects.deducted, { ...noEffects, auditLines: 1 }) &&
          sameEffects(effects.rejected, {
            ...noEffects,
            approvalUpdates: 1,
            requesterDms: 1,
            auditLines: 1,
          }),
        consistent: problems.length === 0,
      };
      const failed = Object.entries(checks)
        .filter(([, ok]) => !ok)
        .map(([check]) => check);
      recordScenario({
        scenario:
          "fault lane / connection blocked 2.5 s on the first command of two form submissions",
        attempts: 2,
        expected:
          "both forms acked within 3 s without waiting for the blocked database; then the deduction is applied once and answered in the conversation, the rejection shown in the modal, each with its Slack effects once",
        observed: `fail point fired ${fired}×; deduction ack ${result.deduction.ackMs} ms, answered after ${result.answerMs} ms (“${result.answer.slice(0, 70)}”); rejection ack ${result.rejection.ackMs} ms (${savingShown ? "saving…" : JSON.stringify(result.rejection.json).slice(0, 60)}), modal updated after ${result.updatedMs} ms; Slack: ${describeEffects(effects.deducted)} / ${describeEffects(effects.rejected)}; ${[...failed, ...problems].join("; ") || "all checks hold"}`,
        pass: failed.length === 0 && problems.length === 0,
      });
    });
  });

  describe("real write conflicts: several managers approving different requests on the same pool at once", () => {
    it("8 credit requests of $5 with $30 left, approved at once by 4 managers: 6 granted once each, 2 refused, the pool exactly empty", async () => {
      const crowd = await unfundedCustomers(
        ...Array.from({ length: 8 }, (_, i) => `pool-race-${i}`),
      );
      const granted = (await poolOf(observer)).granted;
      await harness.ask(users.admin, `pool set ${(granted + 3000) / 100}`);
      const requests: RecordedCall[] = [];
      for (const customer of crowd) requests.push(await requestCredits(customer, 5));
      const before = crowd.map((customer) => effectsOf(customer.account));
      const started = Date.now();
      const conflictsBefore = writeConflictsSeen;
      const answers = await Promise.all(
        requests.map((posted, i) => approve(posted, managers[i % managers.length])),
      );
      const ms = Date.now() - started;
      const conflicts = writeConflictsSeen - conflictsBefore;
      const told = answers.map((answer) => answer.answers().join(" | "));
      const problems: string[] = [];
      for (const [i, answer] of answers.entries())
        if (answer.answers().length !== 1)
          problems.push(`approval ${i}: ${answer.answers().length} answers`);
      const approvedAnswers = told.filter((text) => text.includes("Approved:")).length;
      const refusedAnswers = told.filter((text) => text.includes("has only")).length;
      problems.push(...(await invariantProblems(crowd.map((customer) => customer.customerId))));
      const states = await observer.db
        .collection(collections.approvals)
        .find({ customerId: { $in: crowd.map((customer) => customer.customerId) } })
        .toArray();
      const effectProblems = await Promise.all(
        crowd.map(async (customer, i) => {
          const state = states.find((s) => s.customerId === customer.customerId)?.state;
          const expected =
            state === "approved"
              ? { ...noEffects, approvalUpdates: 1, requesterDms: 1, auditLines: 2 }
              : noEffects;
          const effects = await effectsOfStep(
            () => effectsOf(customer.account),
            before[i] ?? noEffects,
            expected,
          );
          return sameEffects(effects, expected)
            ? []
            : [`${customer.account} (${state}): ${describeEffects(effects)}`];
        }),
      );
      problems.push(...effectProblems.flat());
      const pool = await poolOf(observer);
      const approved = states.filter((s) => s.state === "approved").length;
      const pending = states.filter((s) => s.state === "pending").length;
      recordScenario({
        scenario: "fault lane / 4 managers approving 8 requests on one pool at once",
        attempts: 8,
        expected:
          "6 “Approved” answers and 6 approved requests with one entry, one message update, one DM and two audit lines each; 2 refused (pool short) and still pending with no Slack effect; pool left 0, total = granted + left",
        observed: `${ms} ms, ${conflicts} real WriteConflicts retried; ${approvedAnswers} approved, ${refusedAnswers} refused answers; states: ${approved} approved, ${pending} pending; pool ${JSON.stringify(pool)}; ${problems.join("; ") || "consistent"}`,
        pass:
          approvedAnswers === 6 &&
          refusedAnswers === 2 &&
          approved === 6 &&
          pending === 2 &&
          pool.left === 0 &&
          problems.length === 0,
      });
    });
  });

  it("the picker answers with no options within Slack's 3 s when its search is blocked", async () => {
    await unfundedCustomers("picker");
    await faults.set(once, {
      failCommands: ["aggregate"],
      blockConnection: true,
      blockTimeMS: 4000,
    });
    const started = Date.now();
    const blocked = await typeIntoPicker(harness, users.support, "lane");
    const tookMs = Date.now() - started;
    await faults.off();
    expect(blocked).toEqual([]);
    expect(tookMs).toBeLessThan(2900);
    // Once the database answers again, so does the picker.
    expect((await typeIntoPicker(harness, users.support, "lane")).length).toBeGreaterThan(0);
  });

  it("after every scenario: every customer's ledger, the pool and the audit channel still add up", async () => {
    const problems = await invariantProblems(allCustomers.map((customer) => customer.customerId));
    for (const customer of allCustomers) {
      const lines = effectsOf(customer.account).auditLines;
      const events = await doneAuditEvents(customer.customerId);
      if (lines !== events) problems.push(`${customer.account}: ${lines} lines, ${events} events`);
    }
    recordScenario({
      scenario: "fault lane / final invariants",
      attempts: allCustomers.length,
      expected:
        "for every customer: balance and credits = ledger sums, nothing negative, no request applied twice, one audit line per committed audit event; pool total = granted + left = Σ credits + left",
      observed: problems.join("; ") || `${allCustomers.length} customers consistent`,
      pass: problems.length === 0,
    });
  });
});
