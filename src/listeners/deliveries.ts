import type { Db } from "mongodb";
import { collections } from "../db/collections.js";
import { isDuplicateKey } from "../db/transaction.js";

/**
 * Records that a Slack delivery (a command's trigger, a click's action_ts, a modal's view id) was
 * taken, so a retry or a re-sent copy of the same delivery is answered once and does nothing more.
 * Returns false when it was taken before.
 */
export async function takeDelivery(db: Db, key: string, at: Date): Promise<boolean> {
  try {
    await db
      .collection<{ _id: string; at: Date }>(collections.idempotencyKeys)
      .insertOne({ _id: `delivery:${key}`, at });
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}
