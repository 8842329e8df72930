import { z } from "zod";
import { ConfigError, envSchema } from "./env.js";

const databaseSchema = z
  .object(envSchema.shape)
  .pick({ MONGODB_URI: true, MONGODB_DB: true, EMBEDDED_MONGODB_DIR: true });

/** Just the database part of the configuration, for command-line tools that need no Slack settings. */
export function loadDatabaseSettings(source: Record<string, string | undefined>) {
  const result = databaseSchema.safeParse({
    MONGODB_URI: source.MONGODB_URI || undefined,
    MONGODB_DB: source.MONGODB_DB || undefined,
    EMBEDDED_MONGODB_DIR: source.EMBEDDED_MONGODB_DIR || undefined,
  });
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map(
        (issue) => `${String(issue.path[0])} is invalid: it should be ${issue.message}`,
      ),
    );
  }
  return {
    uri: result.data.MONGODB_URI,
    dbName: result.data.MONGODB_DB,
    embeddedDir: result.data.EMBEDDED_MONGODB_DIR,
  };
}
