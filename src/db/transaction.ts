import { type ClientSession, type MongoClient, MongoServerError } from "mongodb";

/**
 * Runs `work` in one MongoDB transaction (snapshot reads, majority writes) and returns its result;
 * the driver retries transient errors (write conflicts, primary changes) and unknown commit results.
 */
export async function inTransaction<T>(
  client: MongoClient,
  work: (session: ClientSession) => Promise<T>,
): Promise<T> {
  return client.withSession((session) =>
    session.withTransaction(work, {
      readConcern: { level: "snapshot" },
      writeConcern: { w: "majority" },
      readPreference: "primary",
    }),
  );
}

export function isDuplicateKey(error: unknown, index?: string): boolean {
  if (!(error instanceof MongoServerError) || error.code !== 11000) return false;
  return index === undefined || String(error.message).includes(index);
}
