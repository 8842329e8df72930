import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App, verifySlackRequest } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeSlackApi, startFakeSlackApi } from "./fake-slack-api.js";
import { recordingLogger } from "./recording-logger.js";
import {
  blockActionsPayload,
  eventBody,
  formContentType,
  interactionBody,
  postSigned,
  signedHeaders,
  slackSignature,
  slashCommandBody,
  viewSubmissionPayload,
} from "./sign-request.js";

const SECRET = "test-signing-secret";

/** Runs Bolt's own check on a request as it would arrive. */
function verify(secret: string, body: string, headers: Record<string, string>): void {
  verifySlackRequest({
    signingSecret: secret,
    body,
    headers: {
      "x-slack-signature": headers["x-slack-signature"] ?? "",
      "x-slack-request-timestamp": Number(headers["x-slack-request-timestamp"]),
    },
  });
}

describe("slackSignature", () => {
  it("matches the example in Slack's documentation", () => {
    const body =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

    expect(slackSignature("8f742231b10e8888abcd99yyyzzz85a5", 1531420618, body)).toBe(
      "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    );
  });
});

describe("signedHeaders", () => {
  const body = slashCommandBody({
    text: "find acme",
    user_id: "U1",
    response_url: "http://127.0.0.1/r",
  });

  it("passes Bolt's verifySlackRequest", () => {
    expect(() => verify(SECRET, body, signedHeaders(SECRET, body, formContentType))).not.toThrow();
  });

  it("fails it for a tampered body, a wrong secret or a stale timestamp", () => {
    const headers = signedHeaders(SECRET, body, formContentType);
    const stale = signedHeaders(SECRET, body, formContentType, {
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });

    expect(() => verify(SECRET, `${body}&x=1`, headers)).toThrow("signature mismatch");
    expect(() => verify("other-secret", body, headers)).toThrow("signature mismatch");
    expect(() => verify(SECRET, body, stale)).toThrow("stale");
  });

  it("sets content type, timestamp and retry headers", () => {
    const headers = signedHeaders(SECRET, "{}", "application/json", {
      timestamp: 1700000000,
      retryNum: 1,
      retryReason: "http_timeout",
    });

    expect(headers).toEqual({
      "content-type": "application/json",
      "x-slack-request-timestamp": "1700000000",
      "x-slack-signature": slackSignature(SECRET, 1700000000, "{}"),
      "x-slack-retry-num": "1",
      "x-slack-retry-reason": "http_timeout",
    });
  });
});

describe("request bodies", () => {
  it("form-encodes slash commands with Slack's fields in Slack's order", () => {
    const body = new URLSearchParams(
      slashCommandBody({ text: "find acme & co", user_id: "U1", response_url: "http://x/r" }),
    );

    expect([...body.keys()]).toEqual([
      "token",
      "team_id",
      "team_domain",
      "channel_id",
      "channel_name",
      "user_id",
      "user_name",
      "command",
      "text",
      "api_app_id",
      "is_enterprise_install",
      "response_url",
      "trigger_id",
    ]);
    expect(Object.fromEntries(body)).toMatchObject({
      command: "/customer",
      text: "find acme & co",
      user_id: "U1",
      team_id: "T0TEST",
      response_url: "http://x/r",
    });
  });

  it("wraps interaction payloads in a payload form field", () => {
    const payload = { type: "block_actions", actions: [] };

    expect(new URLSearchParams(interactionBody(payload)).get("payload")).toBe(
      JSON.stringify(payload),
    );
  });

  it("shapes block actions in messages and in views", () => {
    const inMessage = blockActionsPayload({
      userId: "U1",
      action: { action_id: "edit", value: "c1" },
      responseUrl: "http://x/r",
    });
    const inView = blockActionsPayload({
      userId: "U1",
      action: { action_id: "plan", type: "static_select", selected_option: { value: "pro" } },
      view: { id: "V1", type: "modal" },
    });

    expect(inMessage).toMatchObject({
      type: "block_actions",
      user: { id: "U1", team_id: "T0TEST" },
      container: { type: "message", channel_id: "C0TEST", message_ts: "1700000000.000100" },
      channel: { id: "C0TEST" },
      response_url: "http://x/r",
      actions: [{ type: "button", action_id: "edit", value: "c1", action_ts: expect.any(String) }],
    });
    expect(inView).toMatchObject({
      container: { type: "view", view_id: "V1" },
      view: { id: "V1" },
      actions: [{ type: "static_select", selected_option: { value: "pro" } }],
    });
    expect(inView).not.toHaveProperty("channel");
  });

  it("wraps events in an event_callback envelope", () => {
    const body = JSON.parse(eventBody({ type: "app_home_opened", user: "U1" }, { eventId: "Ev1" }));

    expect(body).toMatchObject({
      type: "event_callback",
      team_id: "T0TEST",
      event_id: "Ev1",
      event: { type: "app_home_opened", user: "U1", event_ts: expect.any(String) },
    });
  });
});

describe("with a real Bolt app over HTTP", () => {
  let fake: FakeSlackApi;
  let app: App;
  let eventsUrl: string;
  const submissions: unknown[] = [];

  beforeAll(async () => {
    fake = await startFakeSlackApi();
    app = new App({
      token: "xoxb-test",
      signingSecret: SECRET,
      logger: recordingLogger(),
      clientOptions: { slackApiUrl: fake.apiUrl },
    });
    app.command("/customer", async ({ ack, respond, command }) => {
      await ack();
      await respond({ response_type: "ephemeral", text: `searching ${command.text}` });
    });
    app.action("edit", async ({ ack, respond, body }) => {
      await ack();
      await respond({ replace_original: true, text: `edited by ${body.user.id}` });
    });
    app.view("edit_customer", async ({ ack, view }) => {
      submissions.push(view.state.values);
      await ack({ response_action: "errors", errors: { name: "Taken" } });
    });
    app.event("app_home_opened", async ({ event, client }) => {
      await client.views.publish({ user_id: event.user, view: { type: "home", blocks: [] } });
    });
    const server = (await app.start({ port: 0, host: "127.0.0.1" })) as Server;
    eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(async () => {
    await app.stop();
    await fake.stop();
  });

  it("accepts a signed slash command, which responds on its response_url", async () => {
    const responseUrl = fake.responseUrl();
    const body = slashCommandBody({ text: "acme", user_id: "U1", response_url: responseUrl });

    const result = await postSigned(eventsUrl, SECRET, body, formContentType);

    expect(result.status).toBe(200);
    const response = await fake.waitForResponse(responseUrl);
    expect(response.body).toEqual({ response_type: "ephemeral", text: "searching acme" });
  });

  it("rejects a missing or wrong signature", async () => {
    const body = slashCommandBody({ text: "acme", user_id: "U1", response_url: "http://x/r" });

    const missing = await postSigned(eventsUrl, SECRET, body, formContentType, {
      omitSignature: true,
    });
    const wrong = await postSigned(eventsUrl, SECRET, body, formContentType, {
      signatureOverride: slackSignature("other-secret", Math.floor(Date.now() / 1000), body),
    });

    expect(missing.status).toBe(401);
    expect(wrong.status).toBe(401);
  });

  it("routes a block action", async () => {
    const responseUrl = fake.responseUrl();
    const payload = blockActionsPayload({
      userId: "U7",
      action: { action_id: "edit" },
      responseUrl,
    });

    const result = await postSigned(eventsUrl, SECRET, interactionBody(payload), formContentType);

    expect(result.status).toBe(200);
    expect((await fake.waitForResponse(responseUrl)).body).toMatchObject({ text: "edited by U7" });
  });

  it("routes a view submission and returns its ack payload", async () => {
    const values = { name: { name_input: { type: "plain_text_input", value: "Acme" } } };
    const payload = viewSubmissionPayload({
      userId: "U1",
      view: { callback_id: "edit_customer", state: { values } },
    });

    const result = await postSigned(eventsUrl, SECRET, interactionBody(payload), formContentType);

    expect(result.json).toEqual({ response_action: "errors", errors: { name: "Taken" } });
    expect(submissions).toEqual([values]);
  });

  it("routes an event", async () => {
    const body = eventBody({ type: "app_home_opened", user: "U3", tab: "home", channel: "D1" });

    const result = await postSigned(eventsUrl, SECRET, body, "application/json");

    expect(result.status).toBe(200);
    const call = await fake.waitForCall("views.publish");
    expect(call.args).toMatchObject({ user_id: "U3", view: { type: "home" } });
  });
});
