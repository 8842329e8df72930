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
  /** What the change did, to answer a repeat with it (absent for deliveries and for older keys). */
  outcome?: unknown;
}

/** A key claimed before: `outcome` is what the change remembered (undefined if nothing was kept). */
export interface Claimed {
  outcome: unknown;
}

/** The `idempotency_keys` collection: one document per change made or Slack delivery taken (expires after 30 days). */
export class IdempotencyRepository {
  private readonly collection: Collection<IdempotencyKeyDocument>;

  constructor(db: Db) {
    this.collection = db.collection<IdempotencyKeyDocument>(collections.idempotencyKeys);
  }

  /**
   * The earlier claim of `key`, if there was one — read first, so a Slack retry or a double submit is
   * recognised as a repeat before anything is decided from the data it changed. Inside a transaction
   * pass its session, so a claim committed while it retried is seen.
   */
  async recall(key: string, session?: ClientSession): Promise<Claimed | null> {
    const document = await this.collection.findOne({ _id: { $eq: key } }, { session });
    return document ? { outcome: document.outcome } : null;
  }

  /**
   * Claims an idempotency key inside the caller's transaction, with what the change did: the key
   * commits with the change or not at all (a refusal aborts its transaction and leaves no key, so a
   * corrected resubmission is applied). Throws AlreadyApplied when the key was claimed before.
   */
  async claim(key: string, at: Date, session: ClientSession, outcome?: unknown): Promise<void> {
    if (!(await this.insertUnlessExists({ _id: key, at, outcome }, session)))
      throw new AlreadyApplied(key);
  }

  /**
   * Records that a Slack delivery (a command's trigger, a click's action_ts, a modal's view id) was
   * taken, so a retry or a re-sent copy of the same delivery is answered once and does nothing more.
   * Returns false when it was taken before.
   */
  takeDelivery(key: string, at: Date): Promise<boolean> {
    return this.insertUnlessExists({ _id: `delivery:${key}`, at });
  }

  /** False when the key exists: the unique `_id` is the guard. */
  private async insertUnlessExists(
    document: IdempotencyKeyDocument,
    session?: ClientSession,
  ): Promise<boolean> {
    try {
      await this.collection.insertOne(
        document.outcome === undefined ? { _id: document._id, at: document.at } : document,
        { session },
      );
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }
}
