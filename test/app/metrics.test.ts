import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppMetrics } from "../../src/app/metrics.js";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import {
  failPointsFor,
  faultMongoUnavailableReason,
  startFaultMongo,
  uniqueAppName,
} from "../support/mongo/fail-points.js";
import { buttonLabelled } from "../support/slack-blocks.js";

const customer = aCustomer({ account: "metrics@example.com" });
const appName = uniqueAppName();
const unavailable = await faultMongoUnavailableReason();
if (unavailable) console.log(`MongoDB error metric test skipped: ${unavailable}`);

let mongo: Awaited<ReturnType<typeof startFaultMongo>>;
let harness: Harness;

beforeAll(async () => {
  // The fail point below is this file's own: a server has one, shared by every client of it.
  mongo = await startFaultMongo();
  harness = await startHarness({ mongo: { uri: mongo.uri, clientOptions: { appName } } });
  await insertCustomers(harness.db, [customer]);
});
afterAll(async () => {
  await harness.stop();
  await mongo.stop();
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const sampleLine =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})? (\S+)$/;
const commentLine =
  /^# (?:HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (?:counter|gauge|histogram|summary|untyped))$/;

/** Parses Prometheus text format 0.0.4, failing on any line that is not a comment or a sample. */
function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("#")) {
      expect(line).toMatch(commentLine);
      continue;
    }
    const match = sampleLine.exec(line);
    expect(match, `not a Prometheus sample: ${line}`).not.toBeNull();
    const [, name = "", labelText = "", value = ""] = match ?? [];
    const labels = Object.fromEntries(
      [...labelText.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map(
        ([, key, labelValue]) => [key, labelValue],
      ),
    );
    const number = value === "+Inf" ? Infinity : value === "-Inf" ? -Infinity : Number(value);
    expect(Number.isNaN(number) && value !== "NaN", `not a number: ${line}`).toBe(false);
    samples.push({ name, labels, value: number });
  }
  return samples;
}

async function scrape(): Promise<{ contentType: string | null; text: string; samples: Sample[] }> {
  const response = await fetch(`${harness.baseUrl}/metrics`);
  expect(response.status).toBe(200);
  const text = await response.text();
  return {
    contentType: response.headers.get("content-type"),
    text,
    samples: parsePrometheusText(text),
  };
}

function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.find(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  return found?.value ?? 0;
}

/** Scrapes until `done` holds (counts land just after Slack sees the answer), or gives up. */
async function scrapeUntil(done: (samples: Sample[]) => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { samples } = await scrape();
    if (done(samples) || Date.now() > deadline) return samples;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("GET /metrics", () => {
  it("serves Prometheus text with the content type Prometheus expects", async () => {
    const { contentType, text, samples } = await scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const [name, type] of [
      ["customer_desk_ack_seconds", "histogram"],
      ["customer_desk_answers_total", "counter"],
      ["customer_desk_slack_api_calls_total", "counter"],
      ["customer_desk_mongodb_command_errors_total", "counter"],
      ["customer_desk_role_cache_age_seconds", "gauge"],
    ])
      expect(text).toContain(`# TYPE ${name} ${type}\n`);
    expect(samples.length).toBeGreaterThan(0);
  });

  it("reports no role-cache age before any user group is stored (an age would be a lie)", async () => {
    const noBacklog = async () => ({ pending: 0, oldestAt: null });
    const metrics = new AppMetrics({
      roleCacheAgeSeconds: async () => undefined,
      outboxBacklog: noBacklog,
    });
    expect(await metrics.text()).not.toMatch(/^customer_desk_role_cache_age_seconds /m);
    const stored = new AppMetrics({
      roleCacheAgeSeconds: async () => 12,
      outboxBacklog: noBacklog,
    });
    expect(await stored.text()).toMatch(/^customer_desk_role_cache_age_seconds 12$/m);
  });

  it("counts a command's and a button's answers and times their acks by kind", async () => {
    const card = await harness.ask(users.support, `show ${customer.customerId}`);
    await harness.clickAndWait(users.support, buttonLabelled(card.body.blocks, "History"));
    await harness.command(users.outsider, `show ${customer.customerId}`);
    const samples = await scrapeUntil(
      (s) =>
        sampleValue(s, "customer_desk_answers_total", { outcome: "answered" }) >= 2 &&
        sampleValue(s, "customer_desk_answers_total", { outcome: "refused" }) >= 1,
    );
    expect(sampleValue(samples, "customer_desk_answers_total", { outcome: "answered" })).toBe(2);
    expect(sampleValue(samples, "customer_desk_answers_total", { outcome: "refused" })).toBe(1);
    expect(sampleValue(samples, "customer_desk_ack_seconds_count", { kind: "command" })).toBe(2);
    expect(sampleValue(samples, "customer_desk_ack_seconds_count", { kind: "action" })).toBe(1);
    const commandSeconds = sampleValue(samples, "customer_desk_ack_seconds_sum", {
      kind: "command",
    });
    expect(commandSeconds).toBeGreaterThan(0);
    expect(commandSeconds).toBeLessThan(6);
    expect(
      sampleValue(samples, "customer_desk_ack_seconds_bucket", { kind: "command", le: "+Inf" }),
    ).toBe(2);
    // The refresher read the support user group when the app started.
    const age = sampleValue(samples, "customer_desk_role_cache_age_seconds");
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(30);
  });

  it("counts Slack Web API calls by method and result, a 429 and Slack's error codes included", async () => {
    harness.slack.addFault({
      method: "views.publish",
      times: 1,
      fault: { kind: "ratelimited", retryAfterSeconds: 1 },
    });
    await harness.event({ type: "app_home_opened", user: users.support, tab: "home" });
    const samples = await scrapeUntil(
      (s) =>
        sampleValue(s, "customer_desk_slack_api_calls_total", {
          method: "views.publish",
          result: "ok",
        }) >= 1,
    );
    const calls = (result: string) =>
      sampleValue(samples, "customer_desk_slack_api_calls_total", {
        method: "views.publish",
        result,
      });
    expect(calls("ratelimited")).toBe(1);
    expect(calls("ok")).toBe(1);
    expect(sampleValue(samples, "customer_desk_ack_seconds_count", { kind: "event" })).toBe(1);

    harness.slack.addFault({
      method: "views.publish",
      times: 1,
      fault: { kind: "error", error: "invalid_auth" },
    });
    await harness.event({ type: "app_home_opened", user: users.manager, tab: "home" });
    const after = await scrapeUntil(
      (s) =>
        sampleValue(s, "customer_desk_slack_api_calls_total", {
          method: "views.publish",
          result: "invalid_auth",
        }) >= 1,
    );
    expect(
      sampleValue(after, "customer_desk_slack_api_calls_total", {
        method: "views.publish",
        result: "invalid_auth",
      }),
    ).toBe(1);
    expect(
      sampleValue(after, "customer_desk_slack_api_calls_total", {
        method: "auth.test",
        result: "ok",
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it.skipIf(unavailable)(
    "counts a failed MongoDB command by command name and error code",
    async () => {
      const faults = failPointsFor(harness.database.client, appName);
      await faults.set({ times: 1 }, { failCommands: ["find"], errorCode: 2 });
      try {
        const answer = await harness.ask(users.support, `show ${customer.customerId}`);
        expect(answer.body.text).toMatch(/something went wrong|not reachable|could not/i);
      } finally {
        await faults.off();
      }
      const samples = await scrapeUntil(
        (s) =>
          sampleValue(s, "customer_desk_mongodb_command_errors_total", {
            command: "find",
            code: "2",
          }) >= 1,
      );
      expect(
        sampleValue(samples, "customer_desk_mongodb_command_errors_total", {
          command: "find",
          code: "2",
        }),
      ).toBe(1);
      expect(sampleValue(samples, "customer_desk_answers_total", { outcome: "error" })).toBe(1);
    },
  );
});
