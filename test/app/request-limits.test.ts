import type { AddressInfo } from "node:net";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createHttpServer,
  maxRequestBodyBytes,
  slackEventsPath,
} from "../../src/app/http-server.js";
import { AppMetrics } from "../../src/app/metrics.js";
import { createLogger } from "../../src/logging/logger.js";
import { recordScenario } from "../reliability/support/scenario-report.js";
import { type Harness, signingSecret, startHarness, users } from "../support/app-harness.js";
import { formContentType, signedHeaders, slashCommandBody } from "../support/slack/sign-request.js";

const requestTimeoutMs = 500;
let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ requestLimits: { requestTimeoutMs } });
});
afterAll(() => harness.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface RawRequest {
  socket: Socket;
  /** The status of the first response line, once it arrives (undefined if the server never answered). */
  status: Promise<number | undefined>;
  closed: Promise<void>;
  isClosed(): boolean;
}

/** Opens a connection and sends a POST's head only, so a test controls when (and whether) its body follows. */
function sendHead(headers: Record<string, string>): RawRequest {
  const socket = connect(harness.bot.port ?? 0, "127.0.0.1");
  let closed = false;
  let received = "";
  const status = new Promise<number | undefined>((resolve) => {
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (match) resolve(Number(match[1]));
    });
    socket.on("close", () => resolve(undefined));
  });
  const closedPromise = new Promise<void>((resolve) =>
    socket.on("close", () => {
      closed = true;
      resolve();
    }),
  );
  socket.on("error", () => {});
  const lines = Object.entries({ host: "127.0.0.1", ...headers }).map(([k, v]) => `${k}: ${v}`);
  socket.write(`POST ${slackEventsPath} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`);
  return { socket, status, closed: closedPromise, isClosed: () => closed };
}

/** Writes `data`, waiting while the socket's buffer is full; stops quietly once the server hangs up. */
async function writeAll(socket: Socket, data: Buffer, chunkBytes = 64 * 1024): Promise<void> {
  for (let offset = 0; offset < data.length && !socket.destroyed; offset += chunkBytes) {
    if (!socket.write(data.subarray(offset, offset + chunkBytes)))
      await new Promise((resolve) => {
        socket.once("drain", resolve);
        socket.once("close", resolve);
      });
  }
}

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, sleep(ms).then(() => "timed out" as const)]);

/** A correctly signed `/customer help` padded with an extra form field to `bytes`. */
function paddedCommand(bytes: number) {
  const responseUrl = harness.slack.responseUrl();
  const command = slashCommandBody({
    text: "help",
    user_id: users.support,
    response_url: responseUrl,
  });
  const body = `${command}&padding=${"x".repeat(bytes - command.length - "&padding=".length)}`;
  return { body, responseUrl, headers: signedHeaders(signingSecret, body, formContentType) };
}

/** `count` connections that announce a full-size body, send half of it and stall. */
function stallBodies(count: number): Promise<RawRequest[]> {
  const half = Buffer.alloc(maxRequestBodyBytes / 2, "x");
  return Promise.all(
    Array.from({ length: count }, async () => {
      const { headers } = paddedCommand(maxRequestBodyBytes);
      const request = sendHead({ ...headers, "content-length": String(maxRequestBodyBytes) });
      await writeAll(request.socket, half);
      return request;
    }),
  );
}

describe("requests cannot hold the server's memory", () => {
  it("a 4 MiB body announced by Content-Length is refused with 413 before it is sent, and no handler runs", async () => {
    const { body, responseUrl, headers } = paddedCommand(4 * 1024 * 1024);
    const started = performance.now();
    const request = sendHead({ ...headers, "content-length": String(body.length) });
    const answered = await within(request.status, 1000);
    const refusalMs = performance.now() - started;
    // A server that waits for the body gets it, as a client that does not wait for an answer would send it.
    if (answered === "timed out") await writeAll(request.socket, Buffer.from(body));

    expect(await request.status).toBe(413);
    expect(refusalMs).toBeLessThan(500);
    await within(request.closed, 1000);
    expect(request.isClosed()).toBe(true);
    await sleep(100);
    expect(harness.slack.responsesTo(responseUrl)).toEqual([]);
    console.info(`4 MiB Content-Length refused in ${refusalMs.toFixed(1)} ms`);
  });

  it("a chunked body that grows past the limit is cut off: 413 and the connection closed", async () => {
    const { body, responseUrl, headers } = paddedCommand(2 * maxRequestBodyBytes);
    const request = sendHead({ ...headers, "transfer-encoding": "chunked" });
    const chunk = Buffer.from(body.slice(0, 64 * 1024));
    const framed = Buffer.concat([
      Buffer.from(`${chunk.length.toString(16)}\r\n`),
      chunk,
      Buffer.from("\r\n"),
    ]);
    const started = performance.now();
    // Twice the limit, never finished: only a server that counts bytes as they arrive stops it.
    await writeAll(request.socket, Buffer.concat(Array(32).fill(framed)), framed.length);

    expect(await within(request.status, 1000)).toBe(413);
    await within(request.closed, 1000);
    expect(request.isClosed()).toBe(true);
    expect(performance.now() - started).toBeLessThan(requestTimeoutMs);
    expect(harness.slack.responsesTo(responseUrl)).toEqual([]);
  });

  it("100 connections that stall their bodies are timed out, a command is answered meanwhile, and memory stays bounded", async () => {
    const rssBefore = process.memoryUsage().rss;
    const stalled = await stallBodies(100);
    const started = performance.now();

    const answer = await harness.ask(users.support, "help");
    expect(JSON.stringify(answer.body)).toContain("/customer");
    expect(stalled.filter((request) => request.isClosed())).toHaveLength(0);

    await within(Promise.all(stalled.map((request) => request.closed)), 3 * requestTimeoutMs);
    const droppedMs = performance.now() - started;
    expect(stalled.filter((request) => !request.isClosed())).toHaveLength(0);
    expect(new Set(await Promise.all(stalled.map((request) => request.status)))).toEqual(
      new Set([408]),
    );
    const rssAfter = process.memoryUsage().rss;
    const grewMiB = (rssAfter - rssBefore) / 2 ** 20;
    recordScenario({
      scenario: "request limits / 100 connections stalling their bodies",
      attempts: 100,
      expected:
        "every one timed out (408, closed) within 3× the request timeout; a signed command answered meanwhile; memory grows < 100 MiB",
      observed: `answered: yes; all 408 and closed within ${droppedMs.toFixed(0)} ms; RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssAfter / 2 ** 20).toFixed(0)} MiB`,
      pass: grewMiB < 100,
    });
  });

  it("50 requests with a 4 MB body at once, with 100 stalled connections open: all refused, a signed command answered meanwhile, memory bounded", async () => {
    const rssBefore = process.memoryUsage().rss;
    const stalled = await stallBodies(100);
    const big = paddedCommand(4 * 1024 * 1024);
    const bigBody = Buffer.from(big.body);
    const huge = Array.from({ length: 50 }, () => {
      const request = sendHead({ ...big.headers, "content-length": String(bigBody.length) });
      // Sent whole, as a hostile client would, whether or not the server answered already.
      void writeAll(request.socket, bigBody);
      return request;
    });
    const answer = await harness.ask(users.support, "help");
    const answered = JSON.stringify(answer.body).includes("/customer");
    const statuses = await Promise.all(huge.map((request) => within(request.status, 3000)));
    await within(
      Promise.all([...huge, ...stalled].map((request) => request.closed)),
      3 * requestTimeoutMs + 3000,
    );
    const rssAfter = process.memoryUsage().rss;
    const grewMiB = (rssAfter - rssBefore) / 2 ** 20;
    const refused = statuses.filter((status) => status === 413).length;
    const open = [...huge, ...stalled].filter((request) => !request.isClosed()).length;
    await sleep(50);
    recordScenario({
      scenario: "request limits / 50 × 4 MB bodies beside 100 stalled connections",
      attempts: 150,
      expected:
        "every 4 MB request refused with 413 and closed, every stalled one timed out; a signed command answered meanwhile; memory grows < 100 MiB",
      observed: `${refused}/50 answered 413; ${open} connections still open; command answered: ${answered}; RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssAfter / 2 ** 20).toFixed(0)} MiB; no handler ran: ${harness.slack.responsesTo(big.responseUrl).length === 0}`,
      pass:
        refused === 50 &&
        open === 0 &&
        answered &&
        grewMiB < 100 &&
        harness.slack.responsesTo(big.responseUrl).length === 0,
    });
  });

  it("connections past the cap are closed at once while those within it are served", async () => {
    const server = createHttpServer({
      slackListener: () => {},
      isReady: async () => true,
      isClosing: () => false,
      metrics: new AppMetrics({
        roleCacheAgeSeconds: () => undefined,
        outboxBacklog: async () => ({ pending: 0, oldestAt: null }),
      }),
      logger: createLogger({ level: "silent", pretty: false }),
      limits: { maxConnections: 2 },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const open = (): Promise<Socket> =>
      new Promise((resolve) => {
        const socket = connect(port, "127.0.0.1", () => resolve(socket));
        socket.on("error", () => {});
      });
    try {
      const [first, second] = [await open(), await open()];
      const third = await open();
      await within(new Promise((resolve) => third.once("close", resolve)), 1000);
      expect(third.destroyed).toBe(true);
      const answer = new Promise<string>((resolve) =>
        first.once("data", (chunk) => resolve(String(chunk))),
      );
      first.write("GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n");
      expect(await answer).toMatch(/^HTTP\/1\.1 200/);
      first.destroy();
      second.destroy();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
