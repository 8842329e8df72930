import type { ClientSession, Collection, Db, MongoClient } from "mongodb";
import type { AuditRepository } from "../audit/audit-repository.js";
import type { Actor } from "../auth/actor.js";
import { collections } from "../db/collections.js";
import { inTransaction, isDuplicateKey } from "../db/transaction.js";
import { AppError } from "../errors/app-error.js";
import { type Currency, formatMoney } from "../money/currency.js";

const poolId = "credit_pool";

/** The platform's shared credit pool. `left` is kept equal to `total - granted` by every write. */
interface PoolDocument {
  _id: typeof poolId;
  total: number;
  granted: number;
  left: number;
  updatedAt: Date;
}

export interface PoolStatus {
  total: number;
  granted: number;
  left: number;
  /** Credits asked for by pending requests (increases only): what `left` would drop by if all were approved. */
  pending: number;
}

/** PRODUCT.md §2.12 and §2.5: everyone sees the pool; grants take from it, returns give back, admins set the total. */
export class CreditPool {
  private readonly pool: Collection<PoolDocument>;

  constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    private readonly audit: AuditRepository,
    private readonly currency: Currency,
    private readonly now: () => Date,
  ) {
    this.pool = db.collection<PoolDocument>(collections.platform);
  }

  /** Creates the pool document (total 0) if it does not exist; safe to run from several instances at once. */
  async ensureExists(): Promise<void> {
    try {
      await this.pool.updateOne(
        { _id: poolId },
        { $setOnInsert: { total: 0, granted: 0, left: 0, updatedAt: this.now() } },
        { upsert: true },
      );
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  async status(): Promise<PoolStatus> {
    const [pool, pending] = await Promise.all([
      this.pool.findOne({ _id: poolId }),
      this.db
        .collection(collections.approvals)
        .aggregate<{ sum: number }>([
          { $match: { state: "pending", kind: "credits", difference: { $gt: 0 } } },
          { $group: { _id: null, sum: { $sum: "$difference" } } },
        ])
        .toArray(),
    ]);
    return {
      total: pool?.total ?? 0,
      granted: pool?.granted ?? 0,
      left: pool?.left ?? 0,
      pending: pending[0]?.sum ?? 0,
    };
  }

  /**
   * Moves `difference` out of the pool (positive: a grant) or back into it (negative: a return),
   * inside the caller's transaction. The guard `left ≥ difference` is in the update's filter.
   * Returns what is left after, or null when the pool has too little.
   */
  async move(difference: number, session: ClientSession): Promise<number | null> {
    const guard = difference > 0 ? { left: { $gte: difference } } : {};
    const after = await this.pool.findOneAndUpdate(
      { _id: poolId, ...guard },
      { $inc: { granted: difference, left: -difference }, $set: { updatedAt: this.now() } },
      { session, returnDocument: "after" },
    );
    return after ? after.left : null;
  }

  async left(session?: ClientSession): Promise<number> {
    return (await this.pool.findOne({ _id: poolId }, { session }))?.left ?? 0;
  }

  /** Admins set the total; never below what is already granted. */
  async setTotal(total: number, actor: Actor): Promise<{ before: number; after: PoolStatus }> {
    const before = await inTransaction(this.client, async (session) => {
      const current = await this.pool.findOne({ _id: poolId }, { session });
      const granted = current?.granted ?? 0;
      if (total < granted) {
        throw new AppError(
          "conflict",
          `The total cannot be ${formatMoney(total, this.currency)}: ${formatMoney(granted, this.currency)} is already granted to customers. Lower customers' credits first, or set at least ${formatMoney(granted, this.currency)}.`,
        );
      }
      const at = this.now();
      const updated = await this.pool.updateOne(
        { _id: poolId, granted: { $eq: granted } },
        { $set: { total, left: total - granted, updatedAt: at } },
        { session, upsert: !current },
      );
      if (updated.matchedCount === 0 && updated.upsertedCount === 0)
        throw new AppError("conflict", "The pool changed while saving; please try again.");
      await this.audit.record(
        {
          at,
          actorId: actor.userId,
          actorRole: actor.role,
          action: "pool.setTotal",
          outcome: "done",
          before: { total: current?.total ?? 0 },
          after: { total },
        },
        session,
      );
      return current?.total ?? 0;
    });
    return { before, after: await this.status() };
  }
}
