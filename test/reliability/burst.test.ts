/**
 * Issue #13's end-to-end bursts: 200 mixed interactions from 20 people (commands, card buttons,
 * every form, approvals) while Slack rate-limits, first every method the outbox delivers with
 * (`chat.postMessage`, `chat.update`, `views.publish`: 429, Retry-After 5 s), then the user-group
 * look-up (`usergroups.users.list`). Every request is acked within Slack's 3 s; once Slack recovers,
 * every approval post, update, DM and audit line arrives exactly once, in order per channel.
 */
import { describe, it } from "vitest";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { ackSummary, runBurst, slackUserIds, type Team } from "./support/burst-driver.js";
import { describeDeliveries, owedDeliveryReport } from "./support/owed-deliveries.js";
import { recordScenario } from "./support/scenario-report.js";

const auditChannel = "CAUDITLOG1";
const ackLimitMs = 3000;
const outboxMethods = ["chat.postMessage", "chat.update", "views.publish"];

/** 2 admins, 5 managers, 13 support members: 20 people. */
function teamOf(support: string[]): Team {
  return {
    admins: [users.admin, ...slackUserIds("UADM", 1)],
    managers: [users.manager, ...slackUserIds("UMGR", 4)],
    support,
  };
}

function envFor(team: Team, directSupport: string[]): Record<string, string> {
  return {
    AUDIT_CHANNEL_ID: auditChannel,
    ADMIN_USER_IDS: team.admins.join(","),
    MANAGER_USER_IDS: team.managers.join(","),
    SUPPORT_USER_IDS: directSupport.join(","),
  };
}

const customersFor = (tag: string) =>
  Array.from({ length: 40 }, (_, i) =>
    aCustomer({ account: `${tag}${i}@example.com`, balance: 100_000 }),
  );

/**
 * Calls sent to a channel (or a person's Home) sooner than the Retry-After Slack gave it on the
 * previous call there.
 */
function retryAfterIgnored(harness: Harness): string[] {
  const byTarget = new Map<string, { at: number; retryAfterMs?: number }[]>();
  for (const call of harness.slack.calls) {
    if (!outboxMethods.includes(call.method)) continue;
    const target = String(call.method === "views.publish" ? call.args.user_id : call.args.channel);
    const retryAfterMs =
      call.fault?.kind === "ratelimited" ? call.fault.retryAfterSeconds * 1000 : undefined;
    byTarget.set(target, [...(byTarget.get(target) ?? []), { at: call.at, retryAfterMs }]);
  }
  const early: string[] = [];
  for (const [target, calls] of byTarget)
    for (const [i, call] of calls.entries()) {
      const next = calls[i + 1];
      // 50 ms of leeway: the fake stamps a call when it has read it, not when it was sent.
      if (next && call.retryAfterMs !== undefined && next.at - call.at < call.retryAfterMs - 50)
        early.push(`${target} ${next.at - call.at} ms after a 429`);
    }
  return early;
}

/**
 * `orderToleranceMs`: how far out of recorded order audit lines may show. Exactly in order when the
 * channel was backed up (the lines are read together, oldest first); when it is not, a change that
 * commits late is posted after a later one that committed first (an event's time is taken before
 * its transaction commits).
 */
async function deliveriesOf(harness: Harness, orderToleranceMs = 0) {
  return owedDeliveryReport(harness.db, harness.slack, {
    approvalsChannel: harness.config.approvalsChannelId,
    auditChannel,
    currency: harness.config.currency,
    orderToleranceMs,
  });
}

describe("a burst of 200 interactions from 20 people while Slack rate-limits", () => {
  it("429 (Retry-After 5 s) on chat.postMessage, chat.update and views.publish: every ack within 3 s; once Slack recovers every post, update, DM and audit line arrives exactly once, in order", async () => {
    const support = [users.support, ...slackUserIds("USUP", 12)];
    const team = teamOf(support);
    const customers = customersFor("storm");
    const harness = await startHarness({ env: envFor(team, support) });
    try {
      await insertCustomers(harness.db, customers);
      await harness.ask(users.admin, "pool set 100000");
      // Steady state: the user-group cache is warm (the cold case is the next scenario's).
      await harness.ask(users.support, "help");
      await harness.outboxDelivered();
      const storm = outboxMethods.map((method) =>
        harness.slack.addFault({ method, fault: { kind: "ratelimited", retryAfterSeconds: 5 } }),
      );
      const burst = await runBurst(harness, team, customers, "storm");
      const rateLimited = storm.reduce((hits, fault) => hits + fault.hits, 0);
      harness.slack.clearFaults();
      const recovered = Date.now();
      await harness.outboxDelivered(60_000);
      const deliveredInMs = Date.now() - recovered;
      const report = await deliveriesOf(harness);
      const early = retryAfterIgnored(harness);
      const acks = ackSummary(burst.acks);
      const refused = burst.acks.filter((ack) => ack.status !== 200);
      recordScenario({
        scenario:
          "burst / 200 interactions from 20 people under a 429 storm on the outbox's methods",
        attempts: burst.acks.length,
        expected: `200 requests, all HTTP 200 within ${ackLimitMs} ms, nothing skipped; the storm hit the outbox and no channel was called again before its Retry-After; after it, each stored request posted once, each decided one updated once (or posted with its outcome) and its requester DM'd once, one audit line per done event in recorded order, no outbox key twice, nothing pending`,
        observed: `${burst.acks.length} requests in ${burst.elapsedMs} ms: max ack ${acks.max} ms (${acks.slowest}), p95 ${acks.p95} ms, ${refused.length} not 200; skipped: ${burst.skipped.join(", ") || "none"}; ${rateLimited} calls rate-limited, ${early.length} retried before Retry-After${early.length ? ` (${early.slice(0, 3).join(", ")})` : ""}; delivered ${deliveredInMs} ms after recovery: ${describeDeliveries(report)}`,
        pass:
          burst.acks.length === 200 &&
          acks.max < ackLimitMs &&
          refused.length === 0 &&
          burst.skipped.length === 0 &&
          rateLimited > 0 &&
          early.length === 0 &&
          report.decided >= 16 &&
          report.problems.length === 0,
      });
    } finally {
      await harness.stop();
    }
  }, 90_000);

  it("429 (Retry-After 5 s) on usergroups.users.list: every ack within 3 s, the support member who has the role only through a user group included (answered from the stored membership)", async () => {
    const direct = slackUserIds("USUP", 12);
    // users.groupSupport is support only as a member of the harness's support user group.
    const team = teamOf([users.groupSupport, ...direct]);
    const customers = customersFor("groups");
    const harness = await startHarness({ env: envFor(team, direct) });
    try {
      await insertCustomers(harness.db, customers);
      await harness.ask(users.admin, "pool set 100000");
      const limited = harness.slack.addFault({
        method: "usergroups.users.list",
        fault: { kind: "ratelimited", retryAfterSeconds: 5 },
      });
      const burst = await runBurst(harness, team, customers, "groups");
      const hits = limited.hits;
      harness.slack.clearFaults();
      await harness.outboxDelivered(60_000);
      const report = await deliveriesOf(harness, 3000);
      const acks = ackSummary(burst.acks);
      const mine = burst.acks.filter((ack) => ack.userId === users.groupSupport);
      const mineMax = ackSummary(mine).max;
      const refused = burst.acks.filter((ack) => ack.status !== 200);
      recordScenario({
        scenario: "burst / 200 interactions from 20 people with usergroups.users.list rate-limited",
        attempts: burst.acks.length,
        expected: `every request HTTP 200 within ${ackLimitMs} ms, the user-group member's ${mine.length} included; what was owed delivered exactly once`,
        observed: `${burst.acks.length} requests in ${burst.elapsedMs} ms: max ack ${acks.max} ms (${acks.slowest}), ${refused.length} not 200 (${[...new Set(refused.map((ack) => ack.status))].join(", ") || "none"}); the group member's max ack ${mineMax} ms over ${mine.length}; ${hits} look-ups rate-limited; skipped: ${burst.skipped.join(", ") || "none"}; ${describeDeliveries(report)}`,
        pass:
          burst.acks.length >= 150 &&
          mine.length > 0 &&
          acks.max < ackLimitMs &&
          refused.length === 0 &&
          report.problems.length === 0,
      });
    } finally {
      await harness.stop();
    }
  }, 90_000);
});
