/**
 * Issue #6 item 5: the database goes away mid-flow. The app runs against its own wire test server,
 * which the tests suspend (like a restart: listener closed, connections dropped, open transactions
 * aborted) or whose connections they drop, while commands, clicks and form submissions are in flight.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { databaseUnavailableMessage } from "../../src/errors/user-message.js";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { moneyOf, postedRequest } from "../support/money-helpers.js";
import { startWireServer, type WireServer } from "../support/mongo-wire/server.js";
import { buttonLabelled } from "../support/slack-blocks.js";
import {
  answerText,
  answerTo,
  changedCollections,
  commandDelivery,
  deliverRaw,
  eventually,
  moneyProblems,
  sleep,
  snapshotDatabase,
} from "./support/fault-tools.js";
import { recordScenario } from "./support/scenario-report.js";

let wire: WireServer;
let harness: Harness;
const formCustomer = aCustomer({ account: "form.outage@example.com" });
const commandCustomer = aCustomer({ account: "command.outage@example.com" });
const approvalCustomer = aCustomer({ account: "approval.outage@example.com" });
const droppedCustomer = aCustomer({ account: "dropped.links@example.com" });
const restartCustomer = aCustomer({ account: "restart.midflight@example.com" });

/** The not-reachable sentence, as it reaches Slack inside a JSON body. */
const notReachable = databaseUnavailableMessage;

beforeAll(async () => {
  wire = await startWireServer();
  harness = await startHarness({
    mongo: {
      uri: wire.uri,
      // A dead database answers within about a second, well inside Slack's 3 s for a form's ack;
      // frequent heartbeats let the driver see the server is back soon after resume().
      serverSelectionTimeoutMS: 1000,
      clientOptions: { heartbeatFrequencyMS: 500 },
    },
  });
  await insertCustomers(harness.db, [
    formCustomer,
    commandCustomer,
    approvalCustomer,
    droppedCustomer,
    restartCustomer,
  ]);
  await harness.ask(users.admin, "pool set 100");
});
afterAll(async () => {
  await wire.resume();
  await harness.stop();
  await wire.stop();
});

/**
 * Whether the user was told the database is not reachable after a form submission: in the modal
 * (the ack) or, for a form closed at once, on the response_url it came from (within 3 s).
 */
async function toldNotReachable(
  instance: Harness,
  ack: unknown,
  responseUrl: string,
  answersBefore: number,
): Promise<boolean> {
  if (JSON.stringify(ack ?? {}).includes(notReachable)) return true;
  return eventually(
    () =>
      instance.slack
        .responsesTo(responseUrl)
        .slice(answersBefore)
        .some((response) => answerText(response).includes(notReachable)),
    3000,
  );
}

async function probe(path: "/healthz" | "/readyz"): Promise<number> {
  return (await fetch(`${harness.baseUrl}${path}`)).status;
}

async function waitUntilReady(timeoutMs = 5000): Promise<boolean> {
  return eventually(async () => (await probe("/readyz")) === 200, timeoutMs, 100);
}

describe("the database goes away between opening a form and submitting it", () => {
  it("the submission answers 'not reachable, nothing was changed' in time; /readyz 503, /healthz 200; after resume the same form works", async () => {
    const card = await harness.ask(users.support, `show ${formCustomer.account}`);
    const { responseUrl } = await harness.click(
      users.support,
      buttonLabelled(card.body.blocks, "Manage balance"),
    );
    const view = await harness.openedModal();
    const before = await snapshotDatabase(harness.db);

    await wire.suspend();
    const started = Date.now();
    const answersBefore = harness.slack.responsesTo(responseUrl).length;
    const [submitted, health, ready] = await Promise.all([
      harness.submitModal(
        users.support,
        view,
        { direction: "refill", amount: "40", reason: "during outage" },
        { viewId: "VOUTAGE01" },
      ),
      probe("/healthz"),
      probe("/readyz"),
    ]);
    const ackMs = Date.now() - started;
    const told = await toldNotReachable(harness, submitted.json, responseUrl, answersBefore);
    await wire.resume();
    const recovered = await waitUntilReady();
    const after = await snapshotDatabase(harness.db);
    const changed = changedCollections(before, after);

    const retry = await harness.submitModal(
      users.support,
      view,
      { direction: "refill", amount: "40", reason: "after outage" },
      { viewId: "VOUTAGE02" },
    );
    const answer = await harness.slack.waitForResponse(responseUrl, (response) =>
      answerText(response).includes("$0.00 → $40.00"),
    );
    const money = await moneyOf(harness, formCustomer.customerId);
    const problems = await moneyProblems(harness, formCustomer.customerId);

    const pass =
      submitted.status === 200 &&
      told &&
      ackMs < 3000 &&
      health === 200 &&
      ready === 503 &&
      changed.length === 0 &&
      recovered &&
      retry.status === 200 &&
      answerText(answer).includes("$0.00 → $40.00") &&
      money.balance === 4000 &&
      money.entries === 1 &&
      problems.length === 0;
    recordScenario({
      scenario: "mongo faults / database suspended between form opened and submitted",
      attempts: 1,
      expected:
        "the form is acked within 3 s and the user sees the not-reachable message (in the modal or as an ephemeral answer); /healthz 200, /readyz 503; no document changed; after resume /readyz 200 and the next submission applies once",
      observed: `HTTP ${submitted.status} in ${ackMs} ms, not-reachable message shown: ${told}; /healthz ${health}, /readyz ${ready}; changed: [${changed.join(", ")}]; recovered: ${recovered}; after retry balance ${money.balance} with ${money.entries} entries; ${problems.join("; ") || "ledger consistent"}`,
      pass,
    });
  });
});

describe("requests that arrive while the database is down", () => {
  it("a balance command, an Approve click and a credits command each answer 'not reachable' and change nothing; the next ones work after resume", async () => {
    await harness.ask(
      users.support,
      `credits ${approvalCustomer.customerId} 5 pending through outage`,
    );
    const posted = await postedRequest(harness, approvalCustomer.account);
    const approve = buttonLabelled(posted.args.blocks, "Approve");
    const before = await snapshotDatabase(harness.db);

    await wire.suspend();
    const [balance, click, credits] = await Promise.all([
      answerTo(harness, users.support, `balance ${commandCustomer.customerId} +5 outage`),
      harness.approve(users.manager, approve),
      answerTo(harness, users.support, `credits ${commandCustomer.customerId} 3 outage`),
    ]);
    await wire.resume();
    const recovered = await waitUntilReady();
    const changed = changedCollections(before, await snapshotDatabase(harness.db));
    const told = [balance, click, credits].filter((answer) =>
      answerText(answer).includes(notReachable),
    ).length;

    const balanceAfter = await answerTo(
      harness,
      users.support,
      `balance ${commandCustomer.customerId} +5 after outage`,
    );
    const clickAfter = await harness.approve(users.manager, approve);
    const problems = [
      ...(await moneyProblems(harness, commandCustomer.customerId)),
      ...(await moneyProblems(harness, approvalCustomer.customerId)),
    ];
    const money = await moneyOf(harness, commandCustomer.customerId);
    const credited = await moneyOf(harness, approvalCustomer.customerId);
    const pass =
      told === 3 &&
      changed.length === 0 &&
      recovered &&
      answerText(balanceAfter).includes("$0.00 → $5.00") &&
      String(clickAfter.body.text).includes("Approved:") &&
      money.balance === 500 &&
      money.entries === 1 &&
      credited.credits === 500 &&
      problems.length === 0;
    recordScenario({
      scenario: "mongo faults / commands and clicks while the database is down",
      attempts: 3,
      expected:
        "all 3 answer the not-reachable message; no document changed; after resume the same command and click apply once",
      observed: `${told}/3 told not reachable; changed: [${changed.join(", ")}]; recovered: ${recovered}; after resume balance ${money.balance} (${money.entries} entries), credits ${credited.credits}; ${problems.join("; ") || "ledger consistent"}`,
      pass,
    });
  });
});

/** The error the app logged for a "something went wrong (ref: …)" answer, to say what it was. */
function loggedErrorFor(answer: { body: Record<string, unknown> }): string {
  const ref = /\(ref: ([\w-]+)\)/.exec(String(answer.body.text))?.[1];
  const line = ref
    ? harness.logLines.find(
        (entry) => entry.includes(`"requestId":"${ref}"`) && entry.includes('"err"'),
      )
    : undefined;
  if (!line) return "(no error logged)";
  const err = (
    JSON.parse(line) as {
      err?: {
        type?: string;
        message?: string;
        errorLabelSet?: unknown;
        code?: unknown;
        codeName?: unknown;
      };
    }
  ).err;
  return `(logged ${err?.type}: ${String(err?.message).slice(0, 160)}; code ${String(err?.code)} ${String(err?.codeName)})`;
}

type Classified = "applied" | "already" | "not-reachable" | "refused" | "other";

function classify(text: string): Classified {
  if (text.includes(notReachable)) return "not-reachable";
  if (text.includes("already applied") || text.includes("nothing more was done")) return "already";
  if (text.includes("→")) return "applied";
  if (text.includes("Cannot deduct")) return "refused";
  return "other";
}

/**
 * Sends `count` balance changes of +1 at once, runs `fault` while they are in flight, and checks
 * that every request got one clear answer that matches what the database holds: "applied" has
 * exactly one ledger entry, "not reachable — nothing was changed" has none.
 */
async function burstWithFault(
  customerId: string,
  count: number,
  fault: () => Promise<void>,
): Promise<{ outcomes: Record<Classified, number>; problems: string[]; answered: number }> {
  const deliveries = Array.from({ length: count }, (_, i) =>
    commandDelivery(harness, users.support, `balance ${customerId} +1 burst ${i}`, `burst${i}`),
  );
  const entriesBefore = (await moneyOf(harness, customerId)).entries;
  const sent = Promise.all(deliveries.map((delivery) => deliverRaw(harness, delivery.body)));
  await fault();
  const statuses = await sent;
  const answers = await Promise.all(
    deliveries.map((delivery) =>
      harness.slack.waitForResponse(delivery.responseUrl, undefined, 20_000).catch(() => null),
    ),
  );
  await waitUntilReady();
  const outcomes: Record<Classified, number> = {
    applied: 0,
    already: 0,
    "not-reachable": 0,
    refused: 0,
    other: 0,
  };
  const problems: string[] = [];
  const entries = harness.db.collection(collections.ledgerEntries);
  for (const [i, delivery] of deliveries.entries()) {
    const answer = answers[i];
    if (statuses[i]?.status !== 200) problems.push(`request ${i}: HTTP ${statuses[i]?.status}`);
    if (!answer) {
      problems.push(`request ${i}: no answer`);
      continue;
    }
    const kind = classify(answerText(answer));
    outcomes[kind] += 1;
    const stored = await entries.countDocuments({
      idempotencyKey: `command:${delivery.triggerId}`,
    });
    if (kind === "applied" && stored !== 1)
      problems.push(`request ${i}: answered applied, ${stored} ledger entries`);
    if (kind === "not-reachable" && stored !== 0)
      problems.push(`request ${i}: answered "nothing was changed", but it was applied`);
    if (stored > 1) problems.push(`request ${i}: applied ${stored} times`);
    if (kind === "other")
      problems.push(`request ${i}: unclear answer “${answer.body.text}” ${loggedErrorFor(answer)}`);
    if (harness.slack.responsesTo(delivery.responseUrl).length > 1)
      problems.push(
        `request ${i}: answered ${harness.slack.responsesTo(delivery.responseUrl).length} times`,
      );
  }
  const money = await moneyOf(harness, customerId);
  if (money.entries - entriesBefore !== outcomes.applied + outcomes.already)
    problems.push(
      `${money.entries - entriesBefore} new ledger entries for ${outcomes.applied} applied + ${outcomes.already} already-applied answers`,
    );
  problems.push(...(await moneyProblems(harness, customerId)));
  return { outcomes, problems, answered: answers.filter(Boolean).length };
}

describe("the database goes away while balance changes are in flight", () => {
  it("connections dropped repeatedly during 30 concurrent changes: each answer matches the ledger, nothing applied twice", async () => {
    const result = await burstWithFault(droppedCustomer.customerId, 30, async () => {
      for (let i = 0; i < 6; i += 1) {
        await sleep(15);
        wire.dropConnections();
      }
    });
    recordScenario({
      scenario: "mongo faults / connections dropped during 30 concurrent balance changes",
      attempts: 30,
      expected:
        "every request answered once: applied (one ledger entry) or not reachable (none); stored balance = ledger sum",
      observed: `${result.answered}/30 answered; ${JSON.stringify(result.outcomes)}; ${result.problems.join("; ") || "consistent"}`,
      pass: result.answered === 30 && result.problems.length === 0,
    });
  });

  it("the database restarts (suspend, resume 400 ms later) during 30 concurrent changes, 3 times: each answer matches the ledger", async () => {
    const rounds = [];
    for (const delayMs of [5, 25, 60]) {
      rounds.push(
        await burstWithFault(restartCustomer.customerId, 10, async () => {
          await sleep(delayMs);
          await wire.suspend();
          await sleep(400);
          await wire.resume();
        }),
      );
    }
    const outcomes = rounds.map((round) => JSON.stringify(round.outcomes)).join(", ");
    const problems = rounds.flatMap((round) => round.problems);
    const answered = rounds.reduce((sum, round) => sum + round.answered, 0);
    recordScenario({
      scenario: "mongo faults / database restarts during concurrent balance changes",
      attempts: 30,
      expected:
        "every request answered once: applied (one ledger entry) or not reachable (none); stored balance = ledger sum; the app recovers without a restart",
      observed: `${answered}/30 answered; rounds: ${outcomes}; ${problems.join("; ") || "consistent"}`,
      pass: answered === 30 && problems.length === 0,
    });
    expect(await waitUntilReady()).toBe(true);
  });
});

describe("a lasting outage with the app's own MongoDB settings (as `npm start` connects)", () => {
  it("once the driver knows the database is gone, a form submission is still answered within Slack's 3 s with the clear message, /readyz answers 503 in time, and nothing is applied later", async () => {
    const customer = aCustomer({ account: "default.settings@example.com" });
    const defaults = await startHarness({
      // No serverSelectionTimeoutMS: connectDatabase's default applies, as in src/main.ts.
      mongo: { uri: wire.uri, clientOptions: { heartbeatFrequencyMS: 500 } },
    });
    try {
      await insertCustomers(defaults.db, [customer]);
      await defaults.ask(users.admin, `balance ${customer.customerId} +10 float`);
      const card = await defaults.ask(users.support, `show ${customer.customerId}`);
      const { responseUrl } = await defaults.click(
        users.support,
        buttonLabelled(card.body.blocks, "Manage balance"),
      );
      const view = await defaults.openedModal();

      // The first request after the connections drop fails fast; every later one waits for server
      // selection. Wait until the driver has marked the server unknown, as it has a moment into an outage.
      const unknown = new Promise<void>((resolve) =>
        defaults.database.client.on("serverDescriptionChanged", (event) => {
          if (event.newDescription.type === "Unknown") resolve();
        }),
      );
      await wire.suspend();
      await Promise.race([unknown, sleep(3000)]);

      const answersBefore = defaults.slack.responsesTo(responseUrl).length;
      const started = Date.now();
      const [submission, readiness] = await Promise.all([
        // A deduction: it can be refused on the amount field, so the form is answered after the work.
        defaults.submitModal(
          users.support,
          view,
          { direction: "deduct", amount: "6", reason: "lasting outage" },
          { viewId: "VDEFAULT1" },
        ),
        fetch(`${defaults.baseUrl}/readyz`, { signal: AbortSignal.timeout(3000) }).then(
          (response) => ({ status: response.status, ms: Date.now() - started }),
          () => ({ status: 0, ms: Date.now() - started }),
        ),
      ]);
      const ackMs = Date.now() - started;
      // A form not acked in time shows Slack's own error; nothing the app sends later is seen.
      const told =
        submission.status === 200 &&
        (await toldNotReachable(defaults, submission.json, responseUrl, answersBefore));
      await wire.resume();
      await eventually(
        async () => (await fetch(`${defaults.baseUrl}/readyz`)).status === 200,
        5000,
        100,
      );
      // Give a handler still waiting for the database the time to go on once it is back.
      await sleep(1000);
      const money = await moneyOf(defaults, customer.customerId);
      const problems = await moneyProblems(defaults, customer.customerId);
      recordScenario({
        scenario: "mongo faults / lasting outage with the app's default MongoDB settings",
        attempts: 2,
        expected:
          "the deduction form is acked within 3 s (Slack's limit) with the not-reachable message; /readyz answers 503 within 3 s; no change applied after the outage",
        observed: `form: HTTP ${submission.status} after ${ackMs} ms, told: ${told}; /readyz: ${readiness.status === 0 ? "no answer" : `HTTP ${readiness.status}`} after ${readiness.ms} ms; after resume balance ${money.balance} (${money.entries - 1} entries besides the float); ${problems.join("; ") || "ledger consistent"}`,
        pass:
          submission.status === 200 &&
          ackMs < 3000 &&
          told &&
          readiness.status === 503 &&
          money.balance === 1000 &&
          money.entries === 1 &&
          problems.length === 0,
      });
    } finally {
      await wire.resume();
      await defaults.stop();
    }
  });
});
