/**
 * CPU per `/customer show` through the app's own path — Bolt's dispatch, the app's middleware and
 * listeners, the grammar, the zod check of the document, the card and the response_url post —
 * against `show-floor`'s Bolt handler, in one process, with the MongoDB driver (a stubbed
 * `findOne` answering one customer) and the HTTP receiver (signature, body) left out: the part of
 * the show/show-floor gap that is the app's code. Rounds of N requests (32 at a time) alternate app
 * and floor, and the median of the paired differences is printed, which holds up on a loaded
 * machine far better than separate runs; then, the same way, what single pieces cost (the app
 * against the app with that piece patched out). Both answers are checked to be the same bytes.
 *
 *   npx tsx scripts/bench/request-path.ts [N per round, default 128] [rounds, default 101]
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { App } from "@slack/bolt";
import { MongoClient } from "mongodb";
import { createBotApp } from "../../src/app/create-app.js";
import { InFlight } from "../../src/app/in-flight.js";
import { RoleResolver } from "../../src/auth/role-resolver.js";
import { buildCustomerCard } from "../../src/blocks/customer-card.js";
import { loadConfig } from "../../src/config/env.js";
import { toCustomer } from "../../src/customers/customer.js";
import { PostAckGate } from "../../src/listeners/post-ack-gate.js";
import { postToResponseUrl } from "../../src/listeners/reply.js";
import { createLogger } from "../../src/logging/logger.js";
import { currencyOf } from "../../src/money/currency.js";

/** The response_url: counts the answers and keeps the last one. */
let posted = 0;
let lastBody = "";
const server = createServer((req, res) => {
  let text = "";
  req.on("data", (chunk) => {
    text += chunk;
  });
  req.on("end", () => {
    posted++;
    lastBody = text;
    res.end("ok");
  });
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
const responseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/commands/T1/1/abc`;
const document = {
  _id: 1,
  customerId: "CUS-ABCDEF12",
  account: "acme-1",
  teamName: "Acme team",
  teamType: "default",
  companyName: "Acme Inc",
  balance: 12345,
  credits: 500,
  status: "on",
  tag: "vip",
  createdAt: new Date("2026-01-02T03:04:05Z"),
  updatedAt: new Date("2026-02-03T04:05:06Z"),
};
const findOne = async (_filter?: unknown) => ({ ...document });

const config = loadConfig({
  SLACK_BOT_TOKEN: "xoxb-1-2-abc",
  SLACK_SIGNING_SECRET: "s3cret",
  SLACK_API_URL: "http://127.0.0.1:1/api/",
  PORT: "0",
  APPROVALS_CHANNEL_ID: "CAPPROV1",
  CONSOLE_BASE_URL: "https://console.example.test",
  SUPPORT_USER_IDS: "USUP1",
  MANAGER_USER_IDS: "UMAN1",
  ADMIN_USER_IDS: "UADM1",
  MONGODB_URI: "mongodb://127.0.0.1:1",
  MONGODB_DB: "x",
  LOG_LEVEL: "info",
  SHUTDOWN_TIMEOUT: "5s",
});
const client = new MongoClient("mongodb://127.0.0.1:1");
const logger = createLogger({ level: "info", pretty: false });
const bot = createBotApp({
  config,
  logger,
  database: { client, db: client.db("x"), isReachable: async () => true, close: async () => {} },
});
const authorize = async () => ({ botToken: "xoxb-1-2-abc", botId: "B1", botUserId: "UB" });
// The customer repository's collection (private) answers from memory; Bolt's authorize is what
// `app.init()` would set after auth.test.
(
  bot.deps.customers as unknown as { repository: { collection: { findOne: typeof findOne } } }
).repository.collection.findOne = findOne;
(bot.app as unknown as { authorize: typeof authorize }).authorize = authorize;

const floor = new App({
  authorize,
  receiver: { init() {}, start() {}, stop() {} } as never,
  deferInitialization: true,
  convoStore: false,
});
await floor.init();
const currency = currencyOf("USD");
floor.command(/^\/customer(-floor)?$/, async ({ ack, command }) => {
  await ack();
  const ref = command.text.split(" ")[1] ?? "";
  const doc = await findOne({
    $or: [{ account: { $eq: ref.toLowerCase() } }, { customerId: { $eq: ref.toUpperCase() } }],
  });
  await postToResponseUrl(command.response_url, buildCustomerCard(toCustomer(doc), currency));
});

const body = (command: string) => ({
  token: "t",
  team_id: "T1",
  team_domain: "x",
  channel_id: "C1",
  channel_name: "c",
  user_id: "USUP1",
  user_name: "u",
  command,
  text: "show acme-1",
  api_app_id: "A1",
  is_enterprise_install: "false",
  response_url: responseUrl,
  trigger_id: "1.2.3",
});
let dispatch = (app: App, event: unknown) => app.processEvent(event as never);
/** CPU µs per request for `count` requests, 32 at a time. */
async function run(app: App, command: string, count: number): Promise<number> {
  const requests = Math.ceil(count / 32) * 32;
  const started = process.cpuUsage();
  for (let i = 0; i < requests; i += 32)
    await Promise.all(
      Array.from({ length: 32 }, () => dispatch(app, { body: body(command), ack: async () => {} })),
    );
  // Long enough for the post-ack gate's sampler to see it idle and lift any limit before the next run.
  await new Promise((resolve) => setTimeout(resolve, 25));
  const used = process.cpuUsage(started);
  if (posted !== requests) throw new Error(`${command}: ${posted} of ${requests} answers posted`);
  posted = 0;
  return (used.user + used.system) / requests;
}
const n = Number(process.argv[2] ?? 128);
const rounds = Number(process.argv[3] ?? 101);
await run(bot.app, "/customer", 2000);
const appBody = lastBody;
await run(floor, "/customer-floor", 2000);
if (appBody !== lastBody) throw new Error(`different answers:\n${appBody}\n${lastBody}`);
const a: number[] = [];
const f: number[] = [];
for (let r = 0; r < rounds; r++) {
  a.push(await run(bot.app, "/customer", n));
  f.push(await run(floor, "/customer-floor", n));
}
const med = (x: number[]) => [...x].sort((p, q) => p - q)[Math.floor(x.length / 2)] as number;
const differences = a.map((x, i) => x - (f[i] as number));
console.log(
  `app median ${med(a).toFixed(0)} µs/op, floor ${med(f).toFixed(0)}, paired app − floor median ${med(differences).toFixed(0)} µs (rounds: ${differences.map((x) => x.toFixed(0)).join(" ")})`,
);

/** What one piece of the app's path costs: the app as it is against the app without it, paired rounds. */
function patch<T extends object, K extends keyof T>(
  target: T,
  key: K,
  value: T[K],
): () => () => void {
  return () => {
    const original = target[key];
    target[key] = value;
    return () => {
      target[key] = original;
    };
  };
}
const without: [string, () => () => void][] = [
  [
    "post-ack gate, replaced by an async pass-through",
    patch(PostAckGate.prototype, "run", async function run<T>(work: () => Promise<T>) {
      return await work();
    } as PostAckGate["run"]),
  ],
  [
    "post-ack gate's sampler (startSampling ignored)",
    patch(PostAckGate.prototype as unknown as { startSampling(): void }, "startSampling", () => {}),
  ],
  [
    "post-ack gate's limit (observe ignored: never holds a job back)",
    patch(PostAckGate.prototype, "observe", () => {}),
  ],
  [
    "prom-client (ack histogram, answers counter)",
    () => {
      const undoAck = patch(bot.metrics, "observeAck", () => {})();
      const undoAnswer = patch(bot.metrics, "countAnswer", () => {})();
      return () => {
        undoAck();
        undoAnswer();
      };
    },
  ],
  [
    "post-ack gate",
    patch(PostAckGate.prototype, "run", function run<T>(work: () => Promise<T>) {
      return work();
    } as PostAckGate["run"]),
  ],
  [
    "in-flight tracking",
    patch(InFlight.prototype, "track", (<T>(work: Promise<T>) => work) as InFlight["track"]),
  ],
  ["role check", patch(RoleResolver.prototype, "roleOf", async () => "support" as const)],
  [
    "processEvent wrappers (ack timing, unhandled acks)",
    patch(
      {
        get dispatch() {
          return dispatch;
        },
        set dispatch(value) {
          dispatch = value;
        },
      },
      "dispatch",
      (app: App, event: unknown) => App.prototype.processEvent.call(app, event as never),
    ),
  ],
];
for (const [name, apply] of without) {
  const differences: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const whole = await run(bot.app, "/customer", n);
    const undo = apply();
    differences.push(whole - (await run(bot.app, "/customer", n)));
    undo();
  }
  console.log(
    `${name}: ${med(differences).toFixed(0)} µs/op (rounds: ${differences.map((x) => x.toFixed(0)).join(" ")})`,
  );
}
process.exit(0);
