import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slackEventsPath } from "../../src/app/http-server.js";
import { collections } from "../../src/db/collections.js";
import { type Harness, signingSecret, startHarness, users } from "../support/app-harness.js";
import {
  formContentType,
  postSigned,
  slackSignature,
  slashCommandBody,
} from "../support/slack/sign-request.js";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.stop());

function commandBody(responseUrl: string) {
  return slashCommandBody({ text: "list", user_id: users.outsider, response_url: responseUrl });
}

const now = () => Math.floor(Date.now() / 1000);

describe("Slack request signatures", () => {
  it.each([
    ["missing", { omitSignature: true }],
    [
      "wrong",
      { signatureOverride: "v0=0000000000000000000000000000000000000000000000000000000000000000" },
    ],
    ["older than 5 minutes", { timestamp: now() - 301 }],
    ["more than 5 minutes in the future", { timestamp: now() + 330 }],
  ])(
    "a request whose signature is %s is rejected with 401 and no handler runs",
    async (_label, options) => {
      const responseUrl = harness.slack.responseUrl();
      const result = await postSigned(
        `${harness.baseUrl}${slackEventsPath}`,
        signingSecret,
        commandBody(responseUrl),
        formContentType,
        options,
      );
      expect(result.status).toBe(401);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(harness.slack.responsesTo(responseUrl)).toEqual([]);
      expect(await harness.db.collection(collections.auditEvents).countDocuments()).toBe(0);
    },
  );

  it("a request signed with another secret, or altered after signing, is rejected", async () => {
    const responseUrl = harness.slack.responseUrl();
    const wrongSecret = await postSigned(
      `${harness.baseUrl}${slackEventsPath}`,
      "not-the-secret",
      commandBody(responseUrl),
      formContentType,
    );
    expect(wrongSecret.status).toBe(401);
    const body = commandBody(responseUrl);
    const timestamp = now();
    const altered = await fetch(`${harness.baseUrl}${slackEventsPath}`, {
      method: "POST",
      headers: {
        "content-type": formContentType,
        "x-slack-request-timestamp": String(timestamp),
        "x-slack-signature": slackSignature(signingSecret, timestamp, body),
      },
      body: body.replace("list", "show"),
    });
    expect(altered.status).toBe(401);
    expect(harness.slack.responsesTo(responseUrl)).toEqual([]);
  });

  it("a correctly signed request is answered", async () => {
    const { status } = await harness.command(users.support, "help");
    expect(status).toBe(200);
  });
});

describe("health endpoints", () => {
  it("/healthz says the process is up and /readyz that MongoDB is reachable", async () => {
    const health = await fetch(`${harness.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${harness.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
  });
});
