import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boltLoggerFrom } from "../../src/app/bolt-logger.js";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { captureLogs } from "../support/log-capture.js";

const password = "Sunny-Day-2026!";

function captureBolt() {
  const { lines, logger } = captureLogs();
  return { lines, bolt: boltLoggerFrom(logger) };
}

describe("Bolt's log lines", () => {
  it("keep what Bolt and its clients say about a request or response, never its body", () => {
    const { lines, bolt } = captureBolt();
    const body = JSON.stringify({ event: { type: "message", text: `my password is ${password}` } });
    // The lines Bolt 5, @slack/socket-mode and @slack/web-api write with a body in them.
    bolt.debug(body);
    bolt.debug(`Received a message on the WebSocket: ${body}`);
    bolt.debug(`Unable to parse an incoming WebSocket message (will ignore): SyntaxError, ${body}`);
    bolt.debug(`Sending a WebSocket message: ${body}`);
    bolt.debug(`Calling ack() - type: events_api, envelope_id: E1, data: ${body}`);
    bolt.debug(`ack() call begins (body: ${body})`);
    bolt.debug(`ack() response sent (body: ${body})`);
    bolt.debug(`http request body: ${body}`);
    bolt.debug(`http request result: ${body}`);
    const messages = lines.map((line) => JSON.parse(line).msg);
    expect(messages.join("\n")).not.toContain(password);
    expect(messages).toEqual([
      "[body not logged]",
      "Received a message on the WebSocket: [body not logged]",
      "Unable to parse an incoming WebSocket message (will ignore): [body not logged]",
      "Sending a WebSocket message: [body not logged]",
      "Calling ack() - type: events_api, envelope_id: E1, data: [body not logged]",
      "ack() call begins (body: [body not logged])",
      "ack() response sent (body: [body not logged])",
      "http request body: [body not logged]",
      "http request result: [body not logged]",
    ]);
  });

  it("keep other lines as they are", () => {
    const { lines, bolt } = captureBolt();
    bolt.debug("apiCall('chat.postMessage') start");
    bolt.warn("Could not determine the type of an incoming event.", { reason: "none" });
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual([
      "apiCall('chat.postMessage') start",
      'Could not determine the type of an incoming event. {"reason":"none"}',
    ]);
  });
});

describe("a password offered by DM, in Socket Mode at debug level", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ socketMode: true });
  });
  afterAll(() => harness.stop());

  it("is in no log line, though the message's arrival is", async () => {
    await harness.event({
      type: "message",
      channel_type: "im",
      channel: "D0PASSWORD",
      user: users.support,
      text: `here is my password: ${password}`,
      ts: "1700000000.000100",
    });
    await expect
      .poll(() => harness.logLines.some((line) => line.includes("Calling ack()")))
      .toBe(true);
    expect(
      harness.logLines.some((line) => line.includes("Received a message on the WebSocket")),
    ).toBe(true);
    expect(harness.logLines.filter((line) => line.includes(password))).toEqual([]);
  });
});
