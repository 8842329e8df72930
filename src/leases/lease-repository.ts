import type { Collection, Db } from "mongodb";
import { collections } from "../db/collections.js";
import { isDuplicateKey } from "../db/transaction.js";

interface LeaseDocument {
  _id: string;
  holder: string;
  until: Date;
}

/**
 * The `leases` collection: one document per singleton job, naming the instance that runs it until
 * when. The guarded upsert is the lock: only a free or expired lease (or one the caller already
 * holds) is taken, and the unique `_id` makes two racing upserts of a missing lease end with one
 * holder.
 */
export class LeaseRepository {
  private readonly collection: Collection<LeaseDocument>;

  constructor(db: Db) {
    this.collection = db.collection<LeaseDocument>(collections.leases);
  }

  /** Takes or renews the lease `name` for `holder` until `at + ttlMs`; false when another holds it. */
  async acquire(name: string, holder: string, ttlMs: number, at: Date): Promise<boolean> {
    try {
      const taken = await this.collection.findOneAndUpdate(
        { _id: name, $or: [{ holder: { $eq: holder } }, { until: { $lte: at } }] },
        { $set: { holder, until: new Date(at.getTime() + ttlMs) } },
        { upsert: true, returnDocument: "after" },
      );
      return taken?.holder === holder;
    } catch (error) {
      // The lease exists and is someone else's (so the upsert tried to insert a second `name`).
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** Gives the lease up, if `holder` still holds it, so another instance can take it at once. */
  async release(name: string, holder: string): Promise<void> {
    await this.collection.deleteOne({ _id: name, holder: { $eq: holder } });
  }
}
