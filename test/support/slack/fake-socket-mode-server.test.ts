import { setTimeout as sleep } from "node:timers/promises";
import { App } from "@slack/bolt";
import { SocketModeClient } from "@slack/socket-mode";
import { LogLevel } from "@slack/web-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeSlackApi, startFakeSlackApi } from "./fake-slack-api.js";
import { type FakeSocketModeServer, startFakeSocketModeServer } from "./fake-socket-mode-server.js";
import { type RecordingLogger, recordingLogger } from "./recording-logger.js";
import { slashCommandBody } from "./sign-request.js";

describe("fake Socket Mode server", () => {
  let api: FakeSlackApi;
  let socket: FakeSocketModeServer;
  let logger: RecordingLogger;

  beforeEach(async () => {
    api = await startFakeSlackApi();
    socket = await startFakeSocketModeServer({ pingIntervalMs: 50 });
    api.setSocketModeUrl(socket.url);
    logger = recordingLogger();
  });
  afterEach(async () => {
    await socket.stop();
    await api.stop();
  });

  it("connects a real SocketModeClient, sends it envelopes and returns its acks", async () => {
    const client = new SocketModeClient({
      appToken: "xapp-test",
      logger,
      clientOptions: { slackApiUrl: api.apiUrl },
    });
    const received: unknown[] = [];
    client.on("slash_commands", async ({ ack, body }) => {
      received.push(body);
      await ack({ text: "on it" });
    });

    await client.start();
    await socket.waitForConnection();
    const ack = await socket.send("slash_commands", { command: "/customer", text: "acme" });
    await client.disconnect();

    expect(api.callsTo("apps.connections.open")).toEqual([
      expect.objectContaining({ token: "xapp-test" }),
    ]);
    expect(received).toEqual([{ command: "/customer", text: "acme" }]);
    expect(ack).toEqual({ envelope_id: expect.any(String), payload: { text: "on it" } });
  });

  it("passes envelope details the client exposes", async () => {
    const client = new SocketModeClient({
      appToken: "xapp-test",
      logger,
      clientOptions: { slackApiUrl: api.apiUrl },
    });
    const seen: unknown[] = [];
    client.on("slack_event", async ({ ack, type, retry_num, accepts_response_payload }) => {
      seen.push({ type, retry_num, accepts_response_payload });
      await ack();
    });

    await client.start();
    const ack = await socket.send(
      "events_api",
      { event: { type: "app_home_opened" } },
      {
        retryAttempt: 1,
      },
    );
    await client.disconnect();

    expect(seen).toEqual([{ type: "events_api", retry_num: 1, accepts_response_payload: false }]);
    expect(ack).toEqual({ envelope_id: expect.any(String), payload: {} });
  });

  it("keeps the client connected through pings and pongs without warnings", async () => {
    const client = new SocketModeClient({
      appToken: "xapp-test",
      logger,
      clientPingTimeout: 150,
      serverPingTimeout: 150,
      pingPongLoggingEnabled: true,
      clientOptions: { slackApiUrl: api.apiUrl },
    });
    let reconnects = 0;
    client.on("reconnecting", () => {
      reconnects += 1;
    });

    await client.start();
    await sleep(500);
    await client.disconnect();

    const debug = logger.messages(LogLevel.DEBUG);
    expect(debug.some((m) => m.includes("received ping from Slack server"))).toBe(true);
    expect(debug.some((m) => m.includes("received pong from Slack server"))).toBe(true);
    expect(logger.messages(LogLevel.WARN, LogLevel.ERROR)).toEqual([]);
    expect(reconnects).toBe(0);
  });

  it("serves a Bolt app in Socket Mode", async () => {
    const app = new App({
      token: "xoxb-test",
      appToken: "xapp-test",
      socketMode: true,
      logger,
      clientOptions: { slackApiUrl: api.apiUrl },
    });
    app.command("/customer", async ({ ack, command }) => {
      await ack({ response_type: "ephemeral", text: `searching ${command.text}` });
    });

    await app.start();
    const command = Object.fromEntries(
      new URLSearchParams(
        slashCommandBody({ text: "acme", user_id: "U1", response_url: api.responseUrl() }),
      ),
    );
    const ack = await socket.send("slash_commands", command);
    await app.stop();

    expect(ack.payload).toEqual({ response_type: "ephemeral", text: "searching acme" });
    expect(logger.messages(LogLevel.WARN, LogLevel.ERROR)).toEqual([]);
  });

  it("rejects sends without a connection and waits with a timeout", async () => {
    await expect(socket.send("interactive", {})).rejects.toThrow(
      "No Socket Mode client is connected",
    );
    await expect(socket.waitForConnection(20)).rejects.toThrow(
      "No Socket Mode client connected within 20ms",
    );
  });
});
