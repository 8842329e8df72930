/**
 * Issue #13, processes: the app SIGKILLed in the middle of a burst while the audit and approvals
 * channels are slow (so messages are mid-delivery when it dies), then started again on the same
 * database; and two instances sharing one outbox. Every committed audit event still gets exactly one
 * line, every stored request exactly one post, no message key is delivered twice, nothing is left
 * pending. The app runs as a real child process (app-child.ts) against the run's MongoDB lane, which
 * outlives it.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, inject, it } from "vitest";
import { loadConfig } from "../../src/config/env.js";
import { collections } from "../../src/db/collections.js";
import { connectDatabase, type Database } from "../../src/db/mongo.js";
import { createLogger } from "../../src/logging/logger.js";
import {
  approvalsChannel,
  botToken,
  type SentView,
  signingSecret,
  users,
} from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { type FakeSlackApi, startFakeSlackApi } from "../support/slack/fake-slack-api.js";
import { allButtons, type FoundButton } from "../support/slack-blocks.js";
import { type AppChild, startAppChild } from "./support/app-child-process.js";
import { slackUserIds } from "./support/burst-driver.js";
import { eventually, sleep } from "./support/fault-tools.js";
import { describeDeliveries, owedDeliveryReport } from "./support/owed-deliveries.js";
import { recordScenario } from "./support/scenario-report.js";

const auditChannel = "CAUDITLOG1";
const support = [users.support, ...slackUserIds("USUP", 9)];
const managers = [users.manager, ...slackUserIds("UMGR", 2)];
/**
 * Audit lines may show out of recorded order by less than this: an event's time is taken before its
 * transaction commits, and a channel that is not backed up posts each line as soon as it commits.
 */
const orderToleranceMs = 3000;
/** Short leases and scans, so a killed instance's lanes are taken over within seconds. */
const outboxTimings = { laneIntervalMs: 5, leaseMs: 1500, scanMs: 200, retryBaseMs: 100 };

interface World {
  slack: FakeSlackApi;
  database: Database;
  env: Record<string, string>;
  children: AppChild[];
}
let world: World | undefined;

async function startWorld(): Promise<World> {
  const slack = await startFakeSlackApi();
  const dbName = `crash_${randomBytes(5).toString("hex")}`;
  const uri = inject("mongoUri");
  const database = await connectDatabase({
    uri,
    dbName,
    logger: createLogger({ level: "silent", pretty: false }),
  });
  const env = {
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.apiUrl,
    PORT: "0",
    APPROVALS_CHANNEL_ID: approvalsChannel,
    AUDIT_CHANNEL_ID: auditChannel,
    CONSOLE_BASE_URL: "https://console.example.test",
    ADMIN_USER_IDS: users.admin,
    MANAGER_USER_IDS: managers.join(","),
    SUPPORT_USER_IDS: support.join(","),
    MONGODB_URI: uri,
    MONGODB_DB: dbName,
    LOG_LEVEL: "warn",
    SHUTDOWN_TIMEOUT: "3s",
    OUTBOX_TIMINGS: JSON.stringify(outboxTimings),
  };
  world = { slack, database, env, children: [] };
  return world;
}

afterEach(async () => {
  if (!world) return;
  const { slack, database, children } = world;
  world = undefined;
  slack.clearFaults();
  await Promise.all(children.map((child) => child.stop().catch(() => {})));
  await slack.stop();
  // A killed instance's open transactions hold their writes until MongoDB aborts them (60 s); the
  // drop waits for them, so it finishes in the background rather than holding up the run.
  const dropped = database.db
    .dropDatabase()
    .catch(() => {})
    .then(() => database.close());
  await Promise.race([dropped, sleep(2000)]);
});

async function child(w: World): Promise<AppChild> {
  const started = await startAppChild(w.env);
  w.children.push(started);
  return started;
}

/** Sends a command and waits for its answer on the response_url (null if none came). */
async function ask(w: World, app: AppChild, userId: string, text: string) {
  const responseUrl = w.slack.responseUrl();
  const { status } = await app.command(userId, text, responseUrl);
  if (status !== 200) return null;
  return w.slack.waitForResponse(responseUrl, undefined, 10_000).catch(() => null);
}

let approveTriggers = 0;

/**
 * Approve as a person does it, through `app`: the click opens the approve form (views.open on the
 * shared fake), which is submitted without a comment; resolves with the submission's status (the
 * click's when it opened no form). The answer comes on `responseUrl`.
 */
async function approveThrough(
  w: World,
  app: AppChild,
  userId: string,
  button: FoundButton,
  responseUrl: string,
): Promise<{ status: number; ms: number }> {
  approveTriggers += 1;
  const triggerId = `crash-approve-${approveTriggers}`;
  const clicked = await app.click(userId, button, responseUrl, triggerId);
  if (clicked.status !== 200) return clicked;
  const opened = await w.slack
    .waitForCall("views.open", (call) => call.args.trigger_id === triggerId, 10_000)
    .catch(() => null);
  if (!opened) return clicked;
  return app.submit(userId, opened.args.view as SentView, { comment: "" });
}

/** Waits until no outbox entry is pending, then a moment more, so a late duplicate shows too. */
async function outboxSettled(database: Database, timeoutMs: number): Promise<boolean> {
  const outbox = database.db.collection(collections.outbox);
  const settled = await eventually(
    async () => (await outbox.countDocuments({ state: "pending" })) === 0,
    timeoutMs,
    100,
  );
  await sleep(800);
  return settled && (await outbox.countDocuments({ state: "pending" })) === 0;
}

function reportOf(w: World) {
  return owedDeliveryReport(w.database.db, w.slack, {
    approvalsChannel,
    auditChannel,
    currency: loadConfig(w.env).currency,
    orderToleranceMs,
  });
}

const customers = (tag: string) =>
  Array.from({ length: 20 }, (_, i) =>
    aCustomer({ account: `${tag}${i}@example.com`, balance: 100_000 }),
  );

describe("an instance killed in the middle of a burst", () => {
  it("SIGKILL while audit lines and approval posts are mid-delivery (Slack answering 400 ms late): a new instance on the same database delivers the rest, each exactly once", async () => {
    const w = await startWorld();
    const people = customers("crash");
    await insertCustomers(w.database.db, people);
    const first = await child(w);
    await ask(w, first, users.admin, "pool set 100000");
    w.slack.addFault({ method: "chat.postMessage", fault: { kind: "delay", ms: 400 } });

    // Wave 1: credit requests (each owes a post and an audit line) and refills (an audit line each).
    const wave1 = await Promise.all([
      ...support.map((userId, i) =>
        ask(w, first, userId, `credits ${people[i]?.customerId} ${10 + i} crash request ${i}`),
      ),
      ...support.flatMap((userId, i) => [
        ask(w, first, userId, `balance ${people[10 + i]?.customerId} +10 crash refill ${i}`),
        ask(w, first, userId, `balance ${people[i]?.customerId} +5 crash refill b${i}`),
      ]),
    ]);
    const list = await ask(w, first, managers[0] as string, "approvals");
    const approves = allButtons(list?.body.blocks).filter((button) => button.text === "Approve");

    // Approvals, answered (so committed) before the kill: each owes an update, a DM, a Home refresh.
    const decisions = await Promise.all(
      approves.slice(0, 6).map(async (button, i) => {
        const responseUrl = w.slack.responseUrl();
        const { status } = await approveThrough(
          w,
          first,
          managers[i % managers.length] as string,
          button,
          responseUrl,
        );
        if (status !== 200) return null;
        return w.slack.waitForResponse(responseUrl, undefined, 10_000).catch(() => null);
      }),
    );

    // Wave 2: more credit requests and refills; killed mid-way. (No decision is in flight at the
    // kill: a killed instance's open transaction keeps the documents it wrote locked until MongoDB
    // aborts it, 60 s later, and the approvals lane would wait for that — see the report.)
    let acked = 0;
    const wave2 = [
      ...support.flatMap((userId, i) => [
        first.command(
          userId,
          `credits ${people[10 + i]?.customerId} ${30 + i} wave two request ${i}`,
          w.slack.responseUrl(),
        ),
        first.command(
          userId,
          `balance ${people[i]?.customerId} +1 wave two ${i}`,
          w.slack.responseUrl(),
        ),
        first.command(
          userId,
          `balance ${people[10 + i]?.customerId} +2 wave two ${i}`,
          w.slack.responseUrl(),
        ),
      ]),
    ].map(async (sent) => {
      const result = await sent;
      if (result.status === 200) acked += 1;
      return result;
    });
    await eventually(() => acked >= 10, 10_000, 5);
    await sleep(150);
    const pendingAtKill = await w.database.db
      .collection(collections.outbox)
      .countDocuments({ state: "pending" });
    const sendingAtKill = await w.database.db
      .collection(collections.outbox)
      .countDocuments({ state: "pending", sendingSince: { $exists: true } });
    await first.kill();
    await Promise.all(wave2);

    const second = await child(w);
    w.slack.clearFaults();
    const settled = await outboxSettled(w.database, 30_000);
    const report = await reportOf(w);
    const lookedUp = w.slack.callsTo("conversations.history").length;
    const answered = wave1.filter(Boolean).length;
    recordScenario({
      scenario: "crash / SIGKILL mid-burst, then a new instance on the same database",
      attempts: wave1.length + decisions.length + wave2.length,
      expected:
        "6 approvals answered before the kill; entries pending (some mid-send) when killed; afterwards nothing pending, each stored request posted once, each decided one updated and DM'd once, one audit line per done event in recorded order, no outbox key twice",
      observed: `wave 1: ${answered}/${wave1.length} answered; ${approves.length} requests listed, ${decisions.filter(Boolean).length} approvals answered; wave 2: ${acked}/${wave2.length} acked before the kill; at the kill ${pendingAtKill} entries pending (${sendingAtKill} mid-send); new instance pid ${second.pid} settled: ${settled}; ${lookedUp} conversations.history look-ups; ${describeDeliveries(report)}`,
      pass:
        answered === wave1.length &&
        decisions.every(Boolean) &&
        decisions.length === 6 &&
        pendingAtKill > 0 &&
        settled &&
        report.approvals >= support.length &&
        report.decided === 6 &&
        report.problems.length === 0,
    });
  }, 90_000);
});

describe("two instances on one database", () => {
  it("two app processes share one outbox: a burst sent half to each is delivered exactly once", async () => {
    const w = await startWorld();
    const people = customers("pair");
    await insertCustomers(w.database.db, people);
    const [one, two] = await Promise.all([child(w), child(w)]);
    await ask(w, one, users.admin, "pool set 100000");
    w.slack.addFault({ method: "chat.postMessage", fault: { kind: "delay", ms: 50 } });
    const instance = (i: number) => (i % 2 ? two : one);
    const wave1 = await Promise.all([
      ...support.map((userId, i) =>
        ask(w, instance(i), userId, `credits ${people[i]?.customerId} ${20 + i} pair request ${i}`),
      ),
      ...support.map((userId, i) =>
        ask(w, instance(i + 1), userId, `balance ${people[10 + i]?.customerId} +7 pair ${i}`),
      ),
    ]);
    const list = await ask(w, two, managers[1] as string, "approvals");
    const approves = allButtons(list?.body.blocks).filter((button) => button.text === "Approve");
    const answerUrls = [...approves.slice(0, 6), ...support].map(() => w.slack.responseUrl());
    const wave2 = await Promise.all([
      ...approves
        .slice(0, 6)
        .map((button, i) =>
          approveThrough(
            w,
            instance(i),
            managers[i % managers.length] as string,
            button,
            answerUrls[i] as string,
          ),
        ),
      ...support.map((userId, i) =>
        instance(i).command(
          userId,
          `balance ${people[i]?.customerId} +3 pair two ${i}`,
          answerUrls[6 + i] as string,
        ),
      ),
    ]);
    // Every change of the burst is done (answered) before the outbox is judged settled.
    await Promise.all(
      answerUrls.map((url) => w.slack.waitForResponse(url, undefined, 30_000).catch(() => null)),
    );
    w.slack.clearFaults();
    // Two processes take turns at the one audit chain's head only by conflicting on it (within a
    // process they queue), so the last changes of the burst commit, and owe their lines, later.
    const settled = await outboxSettled(w.database, 60_000);
    const report = await reportOf(w);
    const holders = await w.database.db
      .collection(collections.leases)
      .distinct("holder", { _id: /^outbox:/ });
    const acked = wave2.filter((result) => result.status === 200).length;
    recordScenario({
      scenario: "instances / two app processes share one outbox",
      attempts: wave1.length + wave2.length,
      expected:
        "every request answered; nothing pending; each stored request posted once, each decided one updated and DM'd once, one audit line per done event in recorded order, no outbox key twice",
      observed: `wave 1: ${wave1.filter(Boolean).length}/${wave1.length} answered; wave 2: ${acked}/${wave2.length} acked; lanes held by ${holders.length} instances; settled: ${settled}; ${describeDeliveries(report)}`,
      pass:
        wave1.every(Boolean) &&
        acked === wave2.length &&
        settled &&
        report.decided >= 6 &&
        report.problems.length === 0,
    });
  }, 120_000);
});
