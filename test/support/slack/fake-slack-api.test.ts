import { LogLevel, retryPolicies, WebClient } from "@slack/web-api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeSlackApi, startFakeSlackApi } from "./fake-slack-api.js";
import { recordingLogger } from "./recording-logger.js";

const TOKEN = "xoxb-test-token";

describe("fake Slack API", () => {
  let fake: FakeSlackApi;
  let client: WebClient;

  beforeAll(async () => {
    fake = await startFakeSlackApi();
    client = new WebClient(TOKEN, {
      slackApiUrl: fake.apiUrl,
      retryConfig: retryPolicies.rapidRetryPolicy,
      logger: recordingLogger(),
    });
  });
  beforeEach(() => fake.reset());
  afterAll(() => fake.stop());

  it("answers and records auth.test with the token", async () => {
    const result = await client.auth.test();

    expect(result).toMatchObject({ ok: true, team_id: "T0TEST", user_id: "UBOT", bot_id: "BBOT" });
    expect(fake.calls).toEqual([
      { method: "auth.test", args: {}, token: TOKEN, at: expect.any(Number) },
    ]);
  });

  it("decodes blocks of a form-encoded chat.postMessage and answers with increasing ts", async () => {
    const blocks = [{ type: "section", text: { type: "mrkdwn", text: "*Acme*" } }];

    const first = await client.chat.postMessage({ channel: "C1", text: "Acme", blocks });
    const second = await client.chat.postMessage({ channel: "C1", text: "again" });

    const [call] = fake.callsTo("chat.postMessage");
    expect(call?.args).toEqual({ channel: "C1", text: "Acme", blocks });
    expect(first).toMatchObject({ ok: true, channel: "C1", message: { text: "Acme", blocks } });
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(String(second.ts) > String(first.ts)).toBe(true);
  });

  it("accepts JSON bodies and a token field", async () => {
    const response = await fetch(`${fake.apiUrl}chat.postEphemeral`, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ token: "xoxb-in-body", channel: "C1", user: "U1", text: "psst" }),
    });

    expect(await response.json()).toEqual({ ok: true, message_ts: expect.any(String) });
    expect(fake.callsTo("chat.postEphemeral")[0]).toMatchObject({
      token: "xoxb-in-body",
      args: { channel: "C1", user: "U1", text: "psst" },
    });
  });

  it("opens views with unique ids and rejects expired trigger ids", async () => {
    const view = {
      type: "modal" as const,
      callback_id: "edit_customer",
      title: { type: "plain_text" as const, text: "Edit" },
      blocks: [],
    };

    const first = await client.views.open({ trigger_id: "t1", view });
    const second = await client.views.push({ trigger_id: "t2", view });

    expect(fake.callsTo("views.open")[0]?.args.view).toEqual(view);
    expect(first.view).toMatchObject({
      ...view,
      id: expect.stringMatching(/^V/),
      hash: expect.any(String),
    });
    expect(second.view?.id).not.toBe(first.view?.id);
    await expect(client.views.open({ trigger_id: "expired-1", view })).rejects.toMatchObject({
      data: { ok: false, error: "expired_trigger_id" },
    });
  });

  it("keeps one home view id per user", async () => {
    const view = { type: "home" as const, blocks: [] };

    const first = await client.views.publish({ user_id: "U1", view });
    const again = await client.views.publish({ user_id: "U1", view });

    expect(again.view?.id).toBe(first.view?.id);
  });

  it("answers usergroups.users.list with the configured members", async () => {
    fake.setUsergroupMembers("S_ADMINS", ["U1", "U2"]);

    const admins = await client.usergroups.users.list({ usergroup: "S_ADMINS" });
    const unknown = await client.usergroups.users.list({ usergroup: "S_OTHER" });

    expect(admins.users).toEqual(["U1", "U2"]);
    expect(unknown.users).toEqual([]);
  });

  it("answers users.info, conversations.open and chat.getPermalink plausibly", async () => {
    const { user } = await client.users.info({ user: "U42" });
    const { channel } = await client.conversations.open({ users: "U42" });
    const { permalink } = await client.chat.getPermalink({ channel: "C1", message_ts: "1.000200" });

    expect(user).toMatchObject({
      id: "U42",
      is_bot: false,
      profile: { email: expect.any(String) },
    });
    expect(channel?.id).toMatch(/^D/);
    expect(permalink).toBe("https://test-workspace.slack.com/archives/C1/p1000200");
  });

  it("answers unknown methods like Slack", async () => {
    await expect(client.apiCall("customers.list")).rejects.toMatchObject({
      data: { error: "unknown_method" },
    });
  });

  it("answers apps.connections.open with the configured socket URL", async () => {
    const logger = recordingLogger();
    const appClient = new WebClient("xapp-test", { slackApiUrl: fake.apiUrl, logger });
    await expect(appClient.apps.connections.open()).rejects.toMatchObject({
      data: { error: "not_authed" },
    });
    expect(logger.messages(LogLevel.ERROR)).toEqual([
      "fake Slack API has no Socket Mode URL: call setSocketModeUrl()",
    ]);

    fake.setSocketModeUrl("ws://127.0.0.1:1/socket");

    await expect(appClient.apps.connections.open()).resolves.toMatchObject({
      url: "ws://127.0.0.1:1/socket",
    });
  });

  describe("scripted failures", () => {
    it("rate limits with 429 and Retry-After, and WebClient retries", async () => {
      fake.failNext("chat.postMessage", { error: "ratelimited", retryAfterSeconds: 1 });

      const result = await client.chat.postMessage({ channel: "C1", text: "hi" });

      expect(result.ok).toBe(true);
      expect(fake.callsTo("chat.postMessage")).toHaveLength(2);
    });

    it("sends the Retry-After header", async () => {
      fake.failNext("chat.update", { error: "ratelimited", retryAfterSeconds: 7 });

      const response = await fetch(`${fake.apiUrl}chat.update`, { method: "POST" });

      expect(response.status).toBe(429);
      expect(response.headers.get("retry-after")).toBe("7");
      expect(await response.json()).toEqual({ ok: false, error: "ratelimited" });
    });

    it("surfaces HTTP errors", async () => {
      fake.failNext("chat.postMessage", { httpStatus: 500 });
      const noRetries = new WebClient(TOKEN, {
        slackApiUrl: fake.apiUrl,
        retryConfig: { retries: 0 },
      });

      await expect(noRetries.chat.postMessage({ channel: "C1", text: "hi" })).rejects.toMatchObject(
        {
          code: "slack_webapi_http_error",
          statusCode: 500,
        },
      );
    });

    it("surfaces platform errors, only as many times as scripted", async () => {
      fake.failNext("chat.postMessage", { error: "invalid_auth" }, 2);

      for (const _ of [1, 2]) {
        await expect(client.chat.postMessage({ channel: "C1", text: "hi" })).rejects.toMatchObject({
          code: "slack_webapi_platform_error",
          data: { ok: false, error: "invalid_auth" },
        });
      }
      await expect(client.chat.postMessage({ channel: "C1", text: "hi" })).resolves.toMatchObject({
        ok: true,
      });
    });
  });

  describe("response URLs", () => {
    const post = (url: string, body: unknown) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });

    it("records posts per URL", async () => {
      const first = fake.responseUrl();
      const second = fake.responseUrl("command-2");

      const response = await post(first, { response_type: "ephemeral", text: "one" });
      await post(second, { text: "two" });
      await post(first, { replace_original: true, text: "three" });

      expect(response.status).toBe(200);
      expect(await response.text()).toBe("ok");
      expect(second).toMatch(/\/response\/command-2$/);
      expect(fake.responsesTo(first).map((r) => r.body.text)).toEqual(["one", "three"]);
      expect(fake.responsesTo(second)).toEqual([
        { path: "/response/command-2", body: { text: "two" }, at: expect.any(Number) },
      ]);
    });

    it("fails posts as scripted", async () => {
      const url = fake.responseUrl();
      fake.failNext("response_url", { httpStatus: 500 });
      fake.failNext("response_url", { error: "expired_url" });

      expect((await post(url, { text: "a" })).status).toBe(500);
      const expired = await post(url, { text: "b" });
      expect(expired.status).toBe(404);
      expect(await expired.json()).toEqual({ ok: false, error: "expired_url" });
      expect((await post(url, { text: "c" })).status).toBe(200);
    });
  });

  describe("waiting", () => {
    it("hands out each matching call once, whether it came before or after the wait", async () => {
      await client.chat.postMessage({ channel: "C1", text: "early" });
      const early = await fake.waitForCall("chat.postMessage");

      const late = fake.waitForCall("chat.postMessage", (c) => c.args.channel === "C2");
      await client.chat.postMessage({ channel: "C1", text: "other channel" });
      await client.chat.postMessage({ channel: "C2", text: "late" });

      expect(early.args.text).toBe("early");
      expect((await late).args.text).toBe("late");
      expect((await fake.waitForCall("chat.postMessage")).args.text).toBe("other channel");
    });

    it("times out naming what was received", async () => {
      await client.auth.test();

      await expect(fake.waitForCall("chat.update", undefined, 50)).rejects.toThrow(
        "Timed out after 50ms waiting for a call to chat.update; received: auth.test",
      );
    });

    it("waits for response URL posts", async () => {
      const url = fake.responseUrl();
      const waiting = fake.waitForResponse(url, (r) => r.body.text === "done");

      await fetch(url, { method: "POST", body: JSON.stringify({ text: "working" }) });
      await fetch(url, { method: "POST", body: JSON.stringify({ text: "done" }) });

      expect((await waiting).body).toEqual({ text: "done" });
    });
  });

  describe("Block Kit limits", () => {
    it("records violations in what the app sends and still answers ok", async () => {
      const blocks = Array.from({ length: 51 }, () => ({ type: "divider" }));

      const result = await client.chat.postMessage({ channel: "C1", text: "big", blocks });
      await client.views.publish({ user_id: "U1", view: { type: "home", blocks } });
      await fetch(fake.responseUrl(), {
        method: "POST",
        body: JSON.stringify({ blocks: [{ type: "header", text: { type: "mrkdwn", text: "x" } }] }),
      });

      expect(result.ok).toBe(true);
      expect(fake.limitViolations).toEqual([
        { method: "chat.postMessage", violations: ["blocks: 51 blocks (max 50 in a message)"] },
        {
          method: "response_url",
          violations: ["blocks[0].text: header text must be plain_text (got mrkdwn)"],
        },
      ]);
    });

    it("checks modals as modals", async () => {
      await client.views.open({
        trigger_id: "t",
        view: {
          type: "modal",
          title: { type: "plain_text", text: "A title that is far too long" },
          blocks: [],
        },
      });

      expect(fake.limitViolations).toEqual([
        { method: "views.open", violations: ["title: modal title is 28 chars (max 24)"] },
      ]);
    });
  });
});
