import { LogLevel, retryPolicies, WebClient, type WebClientOptions } from "@slack/web-api";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type FakeSlackApi, type RecordedCall, startFakeSlackApi } from "./fake-slack-api.js";
import { mulberry32 } from "./fake-slack-faults.js";
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

  it("refuses a publish whose hash is not the current Home's with hash_conflict, and keeps the newer Home", async () => {
    const first = await client.views.publish({
      user_id: "UHASH1",
      view: { type: "home", blocks: [], private_metadata: "first" },
    });
    const second = await client.views.publish({
      user_id: "UHASH1",
      view: { type: "home", blocks: [], private_metadata: "second" },
      hash: String(first.view?.hash),
    });

    await expect(
      client.views.publish({
        user_id: "UHASH1",
        view: { type: "home", blocks: [], private_metadata: "stale" },
        hash: String(first.view?.hash),
      }),
    ).rejects.toMatchObject({ data: { ok: false, error: "hash_conflict" } });
    expect(second.view?.hash).not.toBe(first.view?.hash);
    expect(fake.homeView("UHASH1")).toMatchObject({
      private_metadata: "second",
      hash: second.view?.hash,
    });
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

  describe("failNext, the one-fault-per-call shorthand", () => {
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

  describe("fault rules", () => {
    const clientWith = (options: WebClientOptions) =>
      new WebClient(TOKEN, { slackApiUrl: fake.apiUrl, logger: recordingLogger(), ...options });
    const post = (channel: string, text: string, via = client) =>
      via.chat.postMessage({ channel, text });
    /** Posts one at a time and lists the 1-based positions of the posts that failed. */
    const failedPosts = async (channels: string[], via: WebClient) => {
      const failed: number[] = [];
      for (const [i, channel] of channels.entries()) {
        await post(channel, `post ${i + 1}`, via).catch(() => failed.push(i + 1));
      }
      return failed;
    };
    const faultedCalls = (method: string) =>
      fake.callsTo(method).flatMap((call, i) => (call.fault ? [i + 1] : []));
    const texts = (calls: RecordedCall[] | undefined) => calls?.map((call) => call.args.text);

    it("429 with Retry-After on chat.postMessage: WebClient waits, retries, and the message is delivered once", async () => {
      fake.addFault({
        method: "chat.postMessage",
        times: 1,
        fault: { kind: "ratelimited", retryAfterSeconds: 1 },
      });

      const result = await post("C1", "hello");

      const [limited, retried] = fake.callsTo("chat.postMessage");
      expect(result.ok).toBe(true);
      expect(limited?.fault).toEqual({ kind: "ratelimited", retryAfterSeconds: 1 });
      expect(retried?.fault).toBeUndefined();
      expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(990);
      expect(fake.deliveredMessages()).toEqual({ C1: [retried] });
    });

    it("HTTP 500 on chat.update twice: WebClient retries and the update is delivered once", async () => {
      fake.addFault({ method: "chat.update", times: 2, fault: { kind: "http", status: 500 } });

      const result = await client.chat.update({ channel: "C1", ts: "1.000100", text: "edited" });

      expect(result.ok).toBe(true);
      expect(faultedCalls("chat.update")).toEqual([1, 2]);
      expect(fake.callsTo("chat.update")).toHaveLength(3);
      expect(fake.deliveredMessages()).toEqual({ C1: [fake.callsTo("chat.update")[2]] });
    });

    it("a hung call is a timeout for a client with a timeout, and when cleared is dropped, never delivered", async () => {
      const hang = fake.addFault({ method: "chat.postMessage", fault: { kind: "hang" } });
      const impatient = clientWith({ timeout: 200, retryConfig: { retries: 0 } });

      await expect(post("C1", "stuck", impatient)).rejects.toMatchObject({
        code: "slack_webapi_request_error",
        original: { name: "TimeoutError" },
      });
      hang.clear();
      await post("C1", "after", impatient);

      expect(fake.callsTo("chat.postMessage").map((call) => call.fault)).toEqual([
        { kind: "hang" },
        undefined,
      ]);
      expect(texts(fake.deliveredMessages().C1)).toEqual(["after"]);
    });

    it("a hang that answers on clear holds the call until cleared, then delivers it", async () => {
      const hang = fake.addFault({
        method: "chat.postMessage",
        fault: { kind: "hang", onClear: "answer" },
      });

      const posting = post("C1", "held");
      await fake.waitForCall("chat.postMessage");
      expect(fake.deliveredMessages()).toEqual({});
      hang.clear();

      await expect(posting).resolves.toMatchObject({ ok: true, channel: "C1" });
      expect(texts(fake.deliveredMessages().C1)).toEqual(["held"]);
    });

    it("a rule expired by times still holds its hung call until clearFaults", async () => {
      fake.addFault({
        method: "chat.postMessage",
        times: 1,
        fault: { kind: "hang", onClear: "answer" },
      });

      const posting = post("C1", "held");
      await fake.waitForCall("chat.postMessage");
      await post("C1", "not held");
      fake.clearFaults();
      await posting;

      expect(texts(fake.deliveredMessages().C1)).toEqual(["not held", "held"]);
    });

    it("a call delayed past the client's timeout fails for the client but is still delivered", async () => {
      fake.addFault({ method: "chat.postMessage", fault: { kind: "delay", ms: 300 } });
      const impatient = clientWith({ timeout: 100, retryConfig: { retries: 0 } });

      await expect(post("C1", "slow", impatient)).rejects.toMatchObject({
        original: { name: "TimeoutError" },
      });
      expect(fake.deliveredMessages()).toEqual({});

      await vi.waitFor(() => expect(texts(fake.deliveredMessages().C1)).toEqual(["slow"]));
    });

    it("a rule for one channel leaves other channels and other methods alone", async () => {
      fake.addFault({
        method: "chat.postMessage",
        channel: "C123",
        fault: { kind: "http", status: 500 },
      });
      const noRetries = clientWith({ retryConfig: { retries: 0 } });

      await expect(post("C123", "blocked", noRetries)).rejects.toMatchObject({ statusCode: 500 });
      await post("C999", "fine", noRetries);
      await noRetries.chat.update({ channel: "C123", ts: "1.000100", text: "update is fine" });

      expect(fake.callsTo("chat.postMessage")[0]?.fault).toEqual({ kind: "http", status: 500 });
      expect(fake.deliveredMessages()).toEqual({
        C999: [fake.callsTo("chat.postMessage")[1]],
        C123: [fake.callsTo("chat.update")[0]],
      });
    });

    it("every: 3 hits exactly the 3rd and 6th of 7 calls", async () => {
      const rule = fake.addFault({
        method: "chat.postMessage",
        when: { every: 3 },
        fault: { kind: "error", error: "fatal_error" },
      });

      const failed = await failedPosts(Array(7).fill("C1"), client);

      expect(failed).toEqual([3, 6]);
      expect(faultedCalls("chat.postMessage")).toEqual([3, 6]);
      expect(rule.hits).toBe(2);
      expect(texts(fake.deliveredMessages().C1)).toEqual([
        "post 1",
        "post 2",
        "post 4",
        "post 5",
        "post 7",
      ]);
    });

    it("calls: [2] on one channel hits that channel's 2nd call, counting only its calls", async () => {
      fake.addFault({
        method: "chat.postMessage",
        channel: "C1",
        when: { calls: [2] },
        fault: { kind: "error", error: "channel_not_found" },
      });

      const failed = await failedPosts(["C2", "C1", "C2", "C1", "C1"], client);

      expect(failed).toEqual([4]);
    });

    it("a seeded probability hits the calls its PRNG picks, the same on every run", async () => {
      const rule = {
        method: "chat.postMessage",
        when: { probability: 0.3, seed: 42 },
        fault: { kind: "http", status: 503 },
      } as const;
      const draws = mulberry32(42);
      const picked = Array.from({ length: 20 }, (_, i) => (draws() < 0.3 ? [i + 1] : [])).flat();
      const noRetries = clientWith({ retryConfig: { retries: 0 } });
      const run = async () => {
        fake.reset();
        fake.addFault(rule);
        return failedPosts(Array(20).fill("C1"), noRetries);
      };

      const first = await run();
      const second = await run();

      expect(picked.length).toBeGreaterThan(0);
      expect(picked.length).toBeLessThan(20);
      expect(first).toEqual(picked);
      expect(second).toEqual(picked);
    });

    it("times: 2 expires after two hits; an unlimited rule lasts until cleared", async () => {
      const limited = fake.addFault({
        method: "chat.postMessage",
        channel: "C1",
        times: 2,
        fault: { kind: "error", error: "invalid_auth" },
      });
      const unlimited = fake.addFault({
        method: "chat.postMessage",
        channel: "C2",
        fault: { kind: "error", error: "not_in_channel" },
      });

      const before = await failedPosts(["C1", "C1", "C1", "C2", "C2"], client);
      unlimited.clear();
      const after = await failedPosts(["C2"], client);

      expect(before).toEqual([1, 2, 4, 5]);
      expect(after).toEqual([]);
      expect([limited.hits, unlimited.hits]).toEqual([2, 2]);
    });

    it("tries rules in the order added: the first that hits a call applies", async () => {
      fake.addFault({
        method: "chat.postMessage",
        times: 1,
        fault: { kind: "error", error: "first" },
      });
      fake.addFault({
        method: "chat.postMessage",
        times: 1,
        fault: { kind: "error", error: "second" },
      });

      const errors = [];
      for (const _ of [1, 2, 3]) {
        errors.push(
          await post("C1", "x").then(
            () => "ok",
            (error) => error.data.error,
          ),
        );
      }

      expect(errors).toEqual(["first", "second", "ok"]);
    });

    it("lists deliveries per channel in the order Slack processed them", async () => {
      fake.addFault({
        method: "chat.postMessage",
        channel: "C1",
        when: { calls: [1] },
        fault: { kind: "delay", ms: 150 },
      });
      fake.addFault({
        method: "chat.postMessage",
        channel: "C2",
        when: { calls: [2] },
        fault: { kind: "error", error: "is_archived" },
      });

      const slow = post("C1", "sent first");
      await fake.waitForCall("chat.postMessage");
      await post("C1", "sent second");
      await post("C2", "a");
      await expect(post("C2", "b")).rejects.toThrow("is_archived");
      await slow;
      await client.chat.update({ channel: "C2", ts: "1.000100", text: "a, edited" });

      const delivered = fake.deliveredMessages();
      expect(Object.keys(delivered)).toEqual(["C1", "C2"]);
      expect(texts(delivered.C1)).toEqual(["sent second", "sent first"]);
      expect(texts(delivered.C2)).toEqual(["a", "a, edited"]);
    });

    it("records faults on response_url posts too", async () => {
      const url = fake.responseUrl();
      fake.addFault({
        method: "response_url",
        when: { calls: [1] },
        fault: { kind: "ratelimited", retryAfterSeconds: 2 },
      });

      const limited = await fetch(url, { method: "POST", body: JSON.stringify({ text: "a" }) });
      await fetch(url, { method: "POST", body: JSON.stringify({ text: "b" }) });

      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toBe("2");
      expect(fake.responsesTo(url).map((r) => r.fault)).toEqual([
        { kind: "ratelimited", retryAfterSeconds: 2 },
        undefined,
      ]);
    });

    it("reset drops calls still hung, and clears the rules", async () => {
      fake.addFault({ method: "chat.postMessage", fault: { kind: "hang", onClear: "answer" } });
      const noRetries = clientWith({ retryConfig: { retries: 0 } });

      const posting = post("C1", "stuck", noRetries);
      await fake.waitForCall("chat.postMessage");
      fake.reset();

      await expect(posting).rejects.toMatchObject({ code: "slack_webapi_request_error" });
      await expect(post("C1", "after reset", noRetries)).resolves.toMatchObject({ ok: true });
      expect(texts(fake.deliveredMessages().C1)).toEqual(["after reset"]);
    });

    it("rejects a rule that could never mean what it says", () => {
      expect(() =>
        fake.addFault({ method: "chat.postMessage", when: { every: 0 }, fault: { kind: "hang" } }),
      ).toThrow("every must be a positive integer");
      expect(() =>
        fake.addFault({
          method: "chat.postMessage",
          fault: { kind: "ratelimited", retryAfterSeconds: 0.5 },
        }),
      ).toThrow("retryAfterSeconds must be a whole number");
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
