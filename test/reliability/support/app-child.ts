/**
 * The real app in a process of its own, for the crash and two-instance scenarios: configuration
 * from the environment (like src/main.ts; MONGODB_URI and SLACK_API_URL point at the test's MongoDB
 * and fake Slack), the outbox timings in OUTBOX_TIMINGS (JSON) so a test need not wait production's
 * leases out. Writes `app-child listening on PORT` to stdout once it serves; SIGTERM stops it cleanly.
 * Run with `node --import tsx` (see app-child-process.ts), so a SIGKILL kills the app itself.
 */
import { createBotApp } from "../../../src/app/create-app.js";
import { loadConfig } from "../../../src/config/env.js";
import { connectDatabase } from "../../../src/db/mongo.js";
import { createLogger } from "../../../src/logging/logger.js";
import type { OutboxTimings } from "../../../src/notifications/outbox-poster.js";

const readyLine = "app-child listening on ";

const config = loadConfig(process.env);
const logger = createLogger({ level: config.log.level, pretty: false });
const uri = config.mongo.uri;
if (!uri) throw new Error("MONGODB_URI must be set");
const outboxTimings = JSON.parse(process.env.OUTBOX_TIMINGS ?? "{}") as Partial<OutboxTimings>;
const database = await connectDatabase({ uri, dbName: config.mongo.dbName, logger });
const bot = createBotApp({ config, logger, database, outboxTimings });
await bot.start();
process.stdout.write(`${readyLine}${bot.port}\n`);
process.once("SIGTERM", () => {
  void bot
    .stop()
    .then(() => database.close())
    .finally(() => process.exit(0));
});
