/**
 * The real app, in its own process, for `npm run bench`: configuration from the environment the
 * benchmark sets (PORT 0, SLACK_API_URL = its fake Slack, MONGODB_URI/MONGODB_DB = the seeded
 * database, one user per role), MongoDB command monitoring, and the IPC protocol in ipc.ts.
 * Its peak RSS and MongoDB command counts are its own, not the load generator's.
 */
import type { CommandStartedEvent } from "mongodb";
import { createBotApp } from "../../src/app/create-app.js";
import { loadConfig } from "../../src/config/env.js";
import { connectDatabase } from "../../src/db/mongo.js";
import { createLogger } from "../../src/logging/logger.js";
import { startChildRuntime } from "./child-runtime.js";
import { backgroundMark, startTransactionMark } from "./ipc.js";

const counts = new Map<string, number>();

/** `find(customers)`, `commitTransaction`, …, marked as above. */
function commandKey(event: CommandStartedEvent): string {
  const command = event.command as Record<string, unknown>;
  const target = command[event.commandName];
  const collection =
    typeof target === "string"
      ? target
      : typeof command.collection === "string"
        ? command.collection
        : undefined;
  let key = collection ? `${event.commandName}(${collection})` : event.commandName;
  const query = command.query as { expiresAt?: { $lte?: unknown } } | undefined;
  if (event.commandName === "findAndModify" && query?.expiresAt?.$lte !== undefined)
    key += ` ${backgroundMark}`;
  // The outbox poster's delivery bookkeeping and the user group refresher's lease run on their own,
  // not as part of any request (what a change owes, `insert(outbox)`, counts with the change).
  else if (collection === "leases" || (collection === "outbox" && event.commandName !== "insert"))
    key += ` ${backgroundMark}`;
  if (command.startTransaction === true) key += ` ${startTransactionMark}`;
  return key;
}

let stop: () => Promise<void> = async () => {};
const runtime = startChildRuntime({
  commands: () => Object.fromEntries(counts),
  stop: () => stop(),
});

try {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.log.level, pretty: false });
  const uri = config.mongo.uri;
  if (!uri) throw new Error("MONGODB_URI must be set by the benchmark");
  const database = await connectDatabase({
    uri,
    dbName: config.mongo.dbName,
    logger,
    clientOptions: { monitorCommands: true },
  });
  database.client.on("commandStarted", (event: CommandStartedEvent) => {
    const key = commandKey(event);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  // The fake Slack does not rate-limit, so the outbox's 1-per-second pacing per channel would only
  // slow the preparation down (300 approval requests take 300 s to post at production pacing).
  const bot = createBotApp({ config, logger, database, outboxTimings: { laneIntervalMs: 0 } });
  stop = async () => {
    await bot.stop();
    await database.close();
  };
  await bot.start();
  runtime.send({ type: "ready", port: bot.port ?? 0, pid: process.pid });
} catch (error) {
  runtime.fail(error);
}
