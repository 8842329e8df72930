import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Collection, Db } from "mongodb";
import { collections } from "../db/collections.js";
import { isDuplicateKey } from "../db/transaction.js";

interface LeaseDocument {
  _id: string;
  holder: string;
  until: Date;
  /** The work the lease guards may not go on before then (a pacing pause, a Retry-After, a backoff), whoever holds it. */
  notBefore?: Date;
}

/** A name for one holder of leases (an instance's refresher, its outbox poster): unique per call. */
export function newLeaseHolder(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
}

/** A lease that is nobody's: released leases keep their document (and its `notBefore`). */
const free = new Date(0);

/**
 * The `leases` collection: one document per piece of work only one instance may do at a time (the
 * user group refresher, each outbox lane), naming the instance that does it until when. The guarded
 * upsert is the lock: only a free or expired lease (or one the caller already holds) is taken, and
 * the unique `_id` makes two racing upserts of a missing lease end with one holder. A lease can also
 * carry when its work may go on next, so that a pause one instance was told about (Slack's
 * Retry-After) binds the next holder too.
 */
export class LeaseRepository {
  private readonly collection: Collection<LeaseDocument>;

  constructor(db: Db) {
    this.collection = db.collection<LeaseDocument>(collections.leases);
  }

  /** Takes or renews the lease `name` for `holder` until `at + ttlMs`; false when another holds it. */
  async acquire(name: string, holder: string, ttlMs: number, at: Date): Promise<boolean> {
    return (await this.claim(name, holder, ttlMs, at)) !== null;
  }

  /**
   * Like `acquire`; answers when the lease's work may go on (`notBefore`, or `at` when no pause was
   * set), or null when another instance holds it.
   */
  async claim(
    name: string,
    holder: string,
    ttlMs: number,
    at: Date,
  ): Promise<{ notBefore: Date } | null> {
    try {
      const taken = await this.collection.findOneAndUpdate(
        { _id: name, $or: [{ holder: { $eq: holder } }, { until: { $lte: at } }] },
        { $set: { holder, until: new Date(at.getTime() + ttlMs) } },
        { upsert: true, returnDocument: "after" },
      );
      if (taken?.holder !== holder) return null;
      return { notBefore: taken.notBefore ?? at };
    } catch (error) {
      // The lease exists and is someone else's (so the upsert tried to insert a second `name`).
      if (isDuplicateKey(error)) return null;
      throw error;
    }
  }

  /** Extends a held lease to `until` and sets when its work may go on next; false if it was lost meanwhile. */
  async hold(
    name: string,
    holder: string,
    update: { until: Date; notBefore: Date },
  ): Promise<boolean> {
    const result = await this.collection.updateOne(
      { _id: name, holder: { $eq: holder } },
      { $set: { until: update.until, notBefore: update.notBefore } },
    );
    return result.matchedCount === 1;
  }

  /** Gives the lease up, if `holder` still holds it, so another instance can take it at once. */
  async release(name: string, holder: string): Promise<void> {
    await this.collection.updateOne(
      { _id: name, holder: { $eq: holder } },
      { $set: { until: free } },
    );
  }
}
