import type { ClientSession, Db } from "mongodb";
import { collections } from "./collections.js";
import { isDuplicateKey } from "./transaction.js";

/** Thrown inside a transaction when its idempotency key was already used: the work was done before. */
export class AlreadyApplied extends Error {
  override name = "AlreadyApplied";
  constructor(readonly key: string) {
    super(`already applied: ${key}`);
  }
}

/**
 * Claims an idempotency key inside the caller's transaction: the key commits with the change or not
 * at all, so a Slack retry, a double click or a double submit applies once.
 */
export async function claimIdempotencyKey(
  db: Db,
  session: ClientSession,
  key: string,
  at: Date,
): Promise<void> {
  try {
    await db
      .collection<{ _id: string; at: Date }>(collections.idempotencyKeys)
      .insertOne({ _id: key, at }, { session });
  } catch (error) {
    if (isDuplicateKey(error)) throw new AlreadyApplied(key);
    throw error;
  }
}
