/**
 * Issue #6 item 3: requests that are not provably from Slack. Every kind of request the app takes —
 * a money command, an Approve click, a balance form submission, an App Home event — is sent with a
 * broken signature in each way below; each must get 401 with no handler running: no response_url
 * post, no Web API call, no audit event, no document changed. A correctly signed copy of the same
 * requests, sent last, shows they would have done all of that.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slackEventsPath } from "../../src/app/http-server.js";
import { collections } from "../../src/db/collections.js";
import {
  type Harness,
  signingSecret,
  startHarness,
  stateFor,
  users,
} from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { moneyOf, postedRequest } from "../support/money-helpers.js";
import {
  eventBody,
  formContentType,
  interactionBody,
  slackSignature,
  slashCommandBody,
  viewSubmissionPayload,
} from "../support/slack/sign-request.js";
import { buttonLabelled } from "../support/slack-blocks.js";
import { changedCollections, deliverRaw, sleep, snapshotDatabase } from "./support/fault-tools.js";
import { recordScenario } from "./support/scenario-report.js";

let harness: Harness;
const target = aCustomer({ account: "signed.target@example.com" });

/** One request of each kind, each of which changes something when it is genuine. */
interface Probe {
  kind: string;
  body: string;
  contentType: string;
  responseUrl?: string;
}
let probes: Probe[];

const nowSeconds = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [target]);
  await harness.ask(users.admin, "pool set 100");
  await harness.ask(users.support, `credits ${target.customerId} 7 signed approval`);
  const posted = await postedRequest(harness, target.account);
  const { responseUrl: approveResponseUrl } = await harness.click(
    users.manager,
    buttonLabelled(posted.args.blocks, "Approve"),
  );
  const approveForm = await harness.openedModal();
  const card = await harness.ask(users.support, `show ${target.customerId}`);
  const { responseUrl: formResponseUrl } = await harness.click(
    users.support,
    buttonLabelled(card.body.blocks, "Manage balance"),
  );
  const form = await harness.openedModal();

  const commandUrl = harness.slack.responseUrl();
  probes = [
    {
      kind: "command",
      body: slashCommandBody({
        text: `balance ${target.customerId} +25 unsigned`,
        user_id: users.support,
        response_url: commandUrl,
      }),
      contentType: formContentType,
      responseUrl: commandUrl,
    },
    {
      kind: "approve form submission",
      body: interactionBody(
        viewSubmissionPayload({
          userId: users.manager,
          view: {
            callback_id: String(approveForm.callback_id),
            private_metadata: approveForm.private_metadata,
            id: "VSIGNED02",
            state: { values: stateFor(approveForm, { comment: "signed approval" }) },
          },
        }),
      ),
      contentType: formContentType,
      responseUrl: approveResponseUrl,
    },
    {
      kind: "balance form submission",
      body: interactionBody(
        viewSubmissionPayload({
          userId: users.support,
          view: {
            callback_id: String(form.callback_id),
            private_metadata: form.private_metadata,
            id: "VSIGNED01",
            state: {
              values: stateFor(form, {
                direction: "refill",
                amount: "30",
                reason: "form unsigned",
              }),
            },
          },
        }),
      ),
      contentType: formContentType,
      responseUrl: formResponseUrl,
    },
    {
      kind: "app_home_opened event",
      body: eventBody({ type: "app_home_opened", user: users.manager, tab: "home" }),
      contentType: "application/json",
    },
  ];
  // Let anything the set-up started (home refreshes, DMs) finish before the baselines are taken.
  await sleep(150);
});
afterAll(() => harness.stop());

type Sender = (probe: Probe) => Promise<{ status: number }>;

const headersFor = (probe: Probe, timestamp: number, secret = signingSecret) => ({
  "content-type": probe.contentType,
  "x-slack-request-timestamp": String(timestamp),
  "x-slack-signature": slackSignature(secret, timestamp, probe.body),
});

const sendWithHeaders = async (
  probe: Probe,
  headers: Record<string, string>,
  body = probe.body,
) => {
  const response = await fetch(`${harness.baseUrl}${slackEventsPath}`, {
    method: "POST",
    headers,
    body,
  });
  await response.text();
  return { status: response.status };
};

const cases: [string, Sender][] = [
  [
    "missing signature",
    (probe) =>
      deliverRaw(harness, probe.body, { contentType: probe.contentType, omitSignature: true }),
  ],
  [
    "wrong signature",
    (probe) =>
      deliverRaw(harness, probe.body, {
        contentType: probe.contentType,
        signatureOverride: `v0=${"0".repeat(64)}`,
      }),
  ],
  [
    "signed with another secret",
    (probe) =>
      deliverRaw(harness, probe.body, {
        contentType: probe.contentType,
        secret: "not-the-signing-secret",
      }),
  ],
  [
    "stale timestamp (301 s old)",
    (probe) =>
      deliverRaw(harness, probe.body, {
        contentType: probe.contentType,
        timestamp: nowSeconds() - 301,
      }),
  ],
  [
    // Further ahead than the stale case is old: the time between signing and the app's check
    // (seconds on a loaded machine) brings a future timestamp closer to the 5-minute window.
    "future timestamp (330 s ahead)",
    (probe) =>
      deliverRaw(harness, probe.body, {
        contentType: probe.contentType,
        timestamp: nowSeconds() + 330,
      }),
  ],
  [
    "replay of a valid request captured 6 minutes ago",
    // Exactly what an eavesdropper holds: the body and the headers Slack signed it with, 360 s ago.
    (probe) => sendWithHeaders(probe, headersFor(probe, nowSeconds() - 360)),
  ],
  [
    "body altered after signing",
    (probe) =>
      sendWithHeaders(
        probe,
        headersFor(probe, nowSeconds()),
        probe.body.includes("%2B25") ? probe.body.replace("%2B25", "%2B99") : `${probe.body} `,
      ),
  ],
  [
    "malformed signature header",
    async (probe) => {
      const statuses = [];
      for (const signature of [
        "v1=abc",
        "garbage",
        `v0=${"z".repeat(64)}`,
        "v0=",
        `v0=${"ab".repeat(40)}`,
      ]) {
        const headers = { ...headersFor(probe, nowSeconds()), "x-slack-signature": signature };
        statuses.push((await sendWithHeaders(probe, headers)).status);
      }
      return { status: statuses.every((status) => status === 401) ? 401 : Math.max(...statuses) };
    },
  ],
  [
    "missing timestamp",
    (probe) => {
      const { "x-slack-request-timestamp": _timestamp, ...headers } = headersFor(
        probe,
        nowSeconds(),
      );
      return sendWithHeaders(probe, headers);
    },
  ],
  [
    "malformed timestamp",
    (probe) =>
      sendWithHeaders(probe, {
        ...headersFor(probe, nowSeconds()),
        "x-slack-request-timestamp": "soon",
      }),
  ],
];

describe("requests that are not provably from Slack are refused before any handler runs", () => {
  it.each(cases)("%s: 401 for every kind of request, and nothing happens", async (label, send) => {
    const calls = harness.slack.calls.length;
    const responses = probes.map((probe) =>
      probe.responseUrl ? harness.slack.responsesTo(probe.responseUrl).length : 0,
    );
    const before = await snapshotDatabase(harness.db);
    const statuses: number[] = [];
    for (const probe of probes) statuses.push((await send(probe)).status);
    // Give any handler that slipped through time to answer, call Slack or write.
    await sleep(200);
    const newCalls = harness.slack.calls.slice(calls).map((call) => call.method);
    const newResponses = probes.reduce(
      (sum, probe, i) =>
        sum +
        (probe.responseUrl
          ? harness.slack.responsesTo(probe.responseUrl).length - (responses[i] ?? 0)
          : 0),
      0,
    );
    const changed = changedCollections(before, await snapshotDatabase(harness.db));
    const attempts = label === "malformed signature header" ? probes.length * 5 : probes.length;
    recordScenario({
      scenario: `signatures / ${label}`,
      attempts,
      expected:
        "401 for the command, the Approve form, the balance form and the event; no response_url post, no Web API call, no audit event, no document changed",
      observed: `statuses [${statuses.join(", ")}]; ${newResponses} response_url posts; Web API calls [${newCalls.join(", ")}]; changed collections [${changed.join(", ")}]`,
      pass:
        statuses.every((status) => status === 401) &&
        newResponses === 0 &&
        newCalls.length === 0 &&
        changed.length === 0,
    });
  });

  it("control: the same requests correctly signed are answered and change what they should", async () => {
    const auditBefore = await harness.db.collection(collections.auditEvents).countDocuments();
    const statuses: number[] = [];
    for (const probe of probes)
      statuses.push(
        (await deliverRaw(harness, probe.body, { contentType: probe.contentType })).status,
      );
    for (const probe of probes)
      if (probe.responseUrl)
        await harness.slack.waitForResponse(probe.responseUrl, undefined, 5000);
    await harness.slack.waitForCall("views.publish", (call) => call.args.user_id === users.manager);
    const money = await moneyOf(harness, target.customerId);
    const audit =
      (await harness.db.collection(collections.auditEvents).countDocuments()) - auditBefore;
    recordScenario({
      scenario: "signatures / control: correctly signed copies are applied",
      attempts: probes.length,
      expected: "200 for each; balance +$25 and +$30, credits $7 approved, home published",
      observed: `statuses [${statuses.join(", ")}]; balance ${money.balance}, credits ${money.credits}; ${audit} new audit events`,
      pass:
        statuses.every((status) => status === 200) &&
        money.balance === 5500 &&
        money.credits === 700 &&
        audit > 0,
    });
    expect(money.ledgerBalance).toBe(money.balance);
  });
});
