import "dotenv/config";
import { createBotApp, SlackSetupError } from "./app/create-app.js";
import { ConfigError, loadConfig } from "./config/env.js";
import { type EmbeddedMongo, startEmbeddedMongo } from "./db/embedded-mongo.js";
import { connectDatabase, DatabaseSetupError } from "./db/mongo.js";
import { createLogger } from "./logging/logger.js";

/** `npm start`: configuration, MongoDB (given or embedded), the app, and a graceful shutdown. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.log);
  process.on("unhandledRejection", (reason) =>
    logger.error({ err: reason }, "unhandled promise rejection"),
  );

  let embedded: EmbeddedMongo | undefined;
  let uri = config.mongo.uri;
  try {
    if (!uri) {
      embedded = await startEmbeddedMongo(config.mongo.embeddedDir, logger);
      uri = embedded.uri;
    }
    const database = await connectDatabase({ uri, dbName: config.mongo.dbName, logger });
    const bot = createBotApp({ config, logger, database });
    await bot.start();

    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, "shutting down: finishing work in flight");
      await bot.stop();
      await database.close();
      await embedded?.stop();
      logger.info("stopped cleanly");
      process.exit(0);
    };
    process.once("SIGTERM", () => void shutdown("SIGTERM"));
    process.once("SIGINT", () => void shutdown("SIGINT"));
  } catch (error) {
    await embedded?.stop().catch(() => {});
    if (error instanceof DatabaseSetupError || error instanceof SlackSetupError) {
      logger.fatal(error.message);
      process.stderr.write(`\n${error.message}\n`);
      process.exit(1);
    }
    logger.fatal({ err: error }, "could not start");
    process.exit(1);
  }
}

void main();
