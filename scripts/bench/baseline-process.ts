/**
 * The baseline for `npm run bench`: a minimal Bolt app with the real app's receiver settings
 * (HTTPReceiver, processBeforeResponse: false, the same signing secret, the same token check
 * against the fake Slack at start-up) whose `/customer` handler only acks — the framework's own
 * ceiling. Runs in its own process, like the real app, and speaks the same IPC protocol.
 *
 * With BENCH_FLOOR=1 (only for the optional `show-floor` scenario) it also answers `/customer-floor
 * show REF` with the least work the real `show` needs: the same one MongoDB query and the same card
 * posted to the response_url (with the app's own poster), without the app's middleware and
 * services — the I/O floor of `show`.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { App, HTTPReceiver, LogLevel, type SlashCommand } from "@slack/bolt";
import { slackEventsPath } from "../../src/app/http-server.js";
import { startChildRuntime } from "./child-runtime.js";

/** `/customer-floor show REF` after the ack: one findOne (as CustomerRepository.findExact), the card to response_url. */
async function showFloor(): Promise<(command: SlashCommand) => Promise<void>> {
  const { MongoClient } = await import("mongodb");
  const { buildCustomerCard } = await import("../../src/blocks/customer-card.js");
  const { md } = await import("../../src/blocks/mrkdwn.js");
  const { toCustomer } = await import("../../src/customers/customer.js");
  const { currencyOf } = await import("../../src/money/currency.js");
  const { postToResponseUrl } = await import("../../src/listeners/reply.js");
  const client = new MongoClient(process.env.MONGODB_URI ?? "", { appName: "bench-floor" });
  await client.connect();
  closeFloor = () => client.close();
  const customers = client.db(process.env.MONGODB_DB).collection("customers");
  const currency = currencyOf("USD");
  return async (command) => {
    const ref = command.text.split(" ")[1] ?? "";
    const document = await customers.findOne(
      {
        $or: [{ account: { $eq: ref.toLowerCase() } }, { customerId: { $eq: ref.toUpperCase() } }],
      },
      { projection: { passwordHash: 0 } },
    );
    const answer = document
      ? buildCustomerCard(toCustomer(document), currency)
      : { text: md`not found`, blocks: [] };
    await postToResponseUrl(command.response_url, answer);
  };
}

let closeFloor = async () => {};
const server = createServer();
const runtime = startChildRuntime({
  commands: () => ({}),
  stop: async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await closeFloor();
  },
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
  const floor = process.env.BENCH_FLOOR === "1" ? await showFloor() : undefined;
  // One listener, with or without the floor, so the floor adds nothing to the baseline's requests.
  app.command(/^\/customer(-floor)?$/, async ({ ack, command }) => {
    await ack();
    if (floor && command.command === "/customer-floor") await floor(command);
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
