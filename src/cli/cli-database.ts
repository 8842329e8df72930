import { loadDatabaseSettings } from "../config/database-settings.js";
import { type EmbeddedMongo, startEmbeddedMongo } from "../db/embedded-mongo.js";
import { connectDatabase, type Database } from "../db/mongo.js";
import { createLogger } from "../logging/logger.js";

/** The database the operator's command-line tools work on: the same one `npm start` would use. */
export async function openCliDatabase(): Promise<{ database: Database; close(): Promise<void> }> {
  const settings = loadDatabaseSettings(process.env);
  const logger = createLogger({ level: "warn", pretty: false, destination: process.stderr });
  let embedded: EmbeddedMongo | undefined;
  let uri = settings.uri;
  if (!uri) {
    embedded = await startEmbeddedMongo(settings.embeddedDir, logger);
    uri = embedded.uri;
  }
  const database = await connectDatabase({ uri, dbName: settings.dbName, logger });
  return {
    database,
    async close() {
      await database.close();
      await embedded?.stop();
    },
  };
}
