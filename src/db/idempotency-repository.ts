import type { ClientSession, Collection, Db } from "mongodb";
import { collections } from "./collections.js";
import { isDuplicateKey } from "./transaction.js";

/** Thrown inside a transaction when its idempotency key was already used: the work was done before. */
export class AlreadyApplied extends Error {
  override name = "AlreadyApplied";
  constructor(readonly key: string) {
    super(`already applied: ${key}`);
  }
}

interface IdempotencyKeyDocument {
  _id: string;
  at: Date;
}

/** The `idempotency_keys` collection: one document per change made or Slack delivery taken (expires after 30 days). */
export class IdempotencyRepository {
  private readonly collection: Collection<IdempotencyKeyDocument>;

  constructor(db: Db) {
    this.collection = db.collection<IdempotencyKeyDocument>(collections.idempotencyKeys);
  }

  /**
   * Claims an idempotency key inside the caller's transaction: the key commits with the change or not
   * at all, so a Slack retry, a double click or a double submit applies once. Throws AlreadyApplied
   * when the key was claimed before.
   */
  async claim(key: string, at: Date, session: ClientSession): Promise<void> {
    if (!(await this.insertUnlessExists(key, at, session))) throw new AlreadyApplied(key);
  }

  /**
   * Records that a Slack delivery (a command's trigger, a click's action_ts, a modal's view id) was
   * taken, so a retry or a re-sent copy of the same delivery is answered once and does nothing more.
   * Returns false when it was taken before.
   */
  takeDelivery(key: string, at: Date): Promise<boolean> {
    return this.insertUnlessExists(`delivery:${key}`, at);
  }

  /** False when the key exists: the unique `_id` is the guard. */
  private async insertUnlessExists(
    key: string,
    at: Date,
    session?: ClientSession,
  ): Promise<boolean> {
    try {
      await this.collection.insertOne({ _id: key, at }, { session });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }
}
