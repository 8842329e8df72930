import type { ClientSession, Collection, Db } from "mongodb";
import { z } from "zod";
import { collections } from "../db/collections.js";
import { isDuplicateKey } from "../db/transaction.js";

const poolId = "credit_pool";

/** The platform's shared credit pool. `left` is kept equal to `total - granted` by every write. */
export interface Pool {
  total: number;
  granted: number;
  left: number;
}

interface PoolDocument extends Pool {
  _id: typeof poolId;
  updatedAt: Date;
}

const poolSchema = z.object({ total: z.number(), granted: z.number(), left: z.number() });

/** The credit pool's document in the `platform` collection. */
export class PoolRepository {
  private readonly collection: Collection<PoolDocument>;

  constructor(db: Db) {
    this.collection = db.collection<PoolDocument>(collections.platform);
  }

  /** Creates the pool document (total 0) if it does not exist; safe to run from several instances at once. */
  async ensureExists(at: Date): Promise<void> {
    try {
      await this.collection.updateOne(
        { _id: poolId },
        { $setOnInsert: { total: 0, granted: 0, left: 0, updatedAt: at } },
        { upsert: true },
      );
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  async find(session?: ClientSession): Promise<Pool | null> {
    const document = await this.collection.findOne({ _id: poolId }, { session });
    return document ? poolSchema.parse(document) : null;
  }

  /**
   * Moves `difference` out of the pool (positive: a grant) or back into it (negative: a return); a
   * grant only if at least `difference` is left. Returns what is left after, or null when too little was.
   */
  async moveIfEnoughLeft(
    difference: number,
    at: Date,
    session: ClientSession,
  ): Promise<number | null> {
    const guard = difference > 0 ? { left: { $gte: difference } } : {};
    const after = await this.collection.findOneAndUpdate(
      { _id: poolId, ...guard },
      { $inc: { granted: difference, left: -difference }, $set: { updatedAt: at } },
      { session, returnDocument: "after" },
    );
    return after ? poolSchema.parse(after).left : null;
  }

  /**
   * Sets the total (and `left` with it) only if `granted` is still what the caller read; creates the
   * pool document when `create` (there was none). Returns false when the pool changed meanwhile.
   */
  async setTotalIfStillGranted(
    total: number,
    granted: number,
    at: Date,
    session: ClientSession,
    create: boolean,
  ): Promise<boolean> {
    const updated = await this.collection.updateOne(
      { _id: poolId, granted: { $eq: granted } },
      { $set: { total, left: total - granted, updatedAt: at } },
      { session, upsert: create },
    );
    return updated.matchedCount > 0 || updated.upsertedCount > 0;
  }
}
