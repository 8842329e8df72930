import type { Db } from "mongodb";
import { AuditRepository } from "../audit/audit-repository.js";
import { loadDatabaseSettings } from "../config/database-settings.js";
import { CustomerRepository } from "../customers/customer-repository.js";
import { type EmbeddedMongo, startEmbeddedMongo } from "../db/embedded-mongo.js";
import { connectDatabase } from "../db/mongo.js";
import { createLogger } from "../logging/logger.js";

export interface CliDatabase {
  db: Db;
  customers: CustomerRepository;
  audit: AuditRepository;
  close(): Promise<void>;
}

/** The database the operator's command-line tools work on: the same one `npm start` would use. */
export async function openCliDatabase(): Promise<CliDatabase> {
  const settings = loadDatabaseSettings(process.env);
  const logger = createLogger({ level: "warn", pretty: false, destination: process.stderr });
  let embedded: EmbeddedMongo | undefined;
  let uri = settings.uri;
  if (!uri) {
    embedded = await startEmbeddedMongo(settings.embeddedDir, logger);
    uri = embedded.uri;
  }
  const database = await connectDatabase({
    uri,
    dbName: settings.dbName,
    logger,
    // A tool has no /metrics to count failed commands for: the driver's command events (which
    // decode every reply a second time) stay off.
    clientOptions: { monitorCommands: false },
  });
  return {
    db: database.db,
    customers: new CustomerRepository(database.db),
    audit: new AuditRepository(database.db),
    async close() {
      await database.close();
      await embedded?.stop();
    },
  };
}
