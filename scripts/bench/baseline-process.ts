/**
 * The baseline for `npm run bench`: a minimal Bolt app with the real app's receiver settings
 * (HTTPReceiver, processBeforeResponse: false, the same signing secret, the same token check
 * against the fake Slack at start-up) whose `/customer` handler only acks — the framework's own
 * ceiling. Runs in its own process, like the real app, and speaks the same IPC protocol.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";
import { slackEventsPath } from "../../src/app/http-server.js";
import { startChildRuntime } from "./child-runtime.js";

const server = createServer();
const runtime = startChildRuntime({
  commands: () => ({}),
  stop: () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
});

try {
  const signingSecret = process.env.SLACK_SIGNING_SECRET ?? "";
  const apiUrl = process.env.SLACK_API_URL ?? "";
  if (!signingSecret || !apiUrl)
    throw new Error("SLACK_SIGNING_SECRET and SLACK_API_URL must be set by the benchmark");
  const receiver = new HTTPReceiver({
    signingSecret,
    endpoints: slackEventsPath,
    processBeforeResponse: false,
    logLevel: LogLevel.WARN,
  });
  const app = new App({
    token: process.env.SLACK_BOT_TOKEN,
    receiver,
    logLevel: LogLevel.WARN,
    deferInitialization: true,
    convoStore: false,
    clientOptions: { slackApiUrl: apiUrl },
  });
  app.command("/customer", async ({ ack }) => {
    await ack();
  });
  await app.init();
  server.on("request", receiver.requestListener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  runtime.send({
    type: "ready",
    port: (server.address() as AddressInfo).port,
    pid: process.pid,
  });
} catch (error) {
  runtime.fail(error);
}
