import { type Collection, type Db, MongoServerError } from "mongodb";
import { collections } from "../db/collections.js";

interface LaneDocument {
  _id: string;
  /** The instance delivering this lane, until `leaseUntil`. */
  holder: string;
  leaseUntil: Date;
  /** Nothing is sent in this lane before then (pacing, a Retry-After, a backoff). */
  nextAt: Date;
}

/**
 * The `outbox_lanes` collection: one document per lane, so that one instance at a time delivers it
 * (a lease, taken with a guarded update: two instances can never both hold one) and every instance
 * honours the same pause (pacing and Slack's Retry-After survive a takeover).
 */
export class OutboxLaneRepository {
  private readonly collection: Collection<LaneDocument>;

  constructor(db: Db) {
    this.collection = db.collection<LaneDocument>(collections.outboxLanes);
  }

  /**
   * Takes the lane for `holder` until `now + leaseMs`, if no one else holds it; answers when the lane
   * may send next, or null when another instance holds it.
   */
  async claim(
    lane: string,
    holder: string,
    now: Date,
    leaseMs: number,
  ): Promise<{ nextAt: Date } | null> {
    const leaseUntil = new Date(now.getTime() + leaseMs);
    try {
      const document = await this.collection.findOneAndUpdate(
        { _id: lane, $or: [{ holder }, { leaseUntil: { $lte: now } }] },
        { $set: { holder, leaseUntil }, $setOnInsert: { nextAt: now } },
        { upsert: true, returnDocument: "after" },
      );
      return document ? { nextAt: document.nextAt } : null;
    } catch (error) {
      // Another instance holds it: the upsert found no free document and tried to insert a second.
      if (error instanceof MongoServerError && error.code === 11000) return null;
      throw error;
    }
  }

  /** Extends the lease and sets when the lane may send next; false if the lease was lost meanwhile. */
  async hold(
    lane: string,
    holder: string,
    update: { leaseUntil: Date; nextAt?: Date },
  ): Promise<boolean> {
    const result = await this.collection.updateOne(
      { _id: lane, holder },
      {
        $set: {
          leaseUntil: update.leaseUntil,
          ...(update.nextAt ? { nextAt: update.nextAt } : {}),
        },
      },
    );
    return result.matchedCount === 1;
  }

  /** Gives the lane up (it has nothing left, or this instance stops). */
  async release(lane: string, holder: string, now: Date): Promise<void> {
    await this.collection.updateOne({ _id: lane, holder }, { $set: { leaseUntil: now } });
  }
}
