import type { ClientSession, MongoClient } from "mongodb";
import type { AuditRepository } from "../audit/audit-repository.js";
import { authorize, recordRefusal } from "../audit/refusals.js";
import type { Actor } from "../auth/actor.js";
import { inTransaction } from "../db/transaction.js";
import { AppError } from "../errors/app-error.js";
import { type Currency, formatMoney } from "../money/currency.js";
import type { PoolRepository } from "./pool-repository.js";

export interface PoolStatus {
  total: number;
  granted: number;
  left: number;
  /** Credits asked for by pending, unexpired requests (increases only): what `left` would drop by if all were approved. */
  pending: number;
}

/**
 * Where the pool learns what pending requests ask for (the approvals repository). An interface of
 * the pool's own, so that the pool depends on no approval code (approvals build on the pool).
 */
export interface PendingCreditRequests {
  /** Increases asked for by requests that can still be approved at `now`. */
  pendingCreditIncreases(now: Date): Promise<number>;
}

/** PRODUCT.md §2.12 and §2.5: everyone sees the pool; grants take from it, returns give back, admins set the total. */
export class CreditPool {
  constructor(
    private readonly client: MongoClient,
    private readonly pool: PoolRepository,
    private readonly approvals: PendingCreditRequests,
    private readonly audit: AuditRepository,
    private readonly currency: Currency,
    private readonly now: () => Date,
  ) {}

  /** Creates the pool document (total 0) if it does not exist; safe to run from several instances at once. */
  ensureExists(): Promise<void> {
    return this.pool.ensureExists(this.now());
  }

  async status(): Promise<PoolStatus> {
    const [pool, pending] = await Promise.all([
      this.pool.find(),
      this.approvals.pendingCreditIncreases(this.now()),
    ]);
    return {
      total: pool?.total ?? 0,
      granted: pool?.granted ?? 0,
      left: pool?.left ?? 0,
      pending,
    };
  }

  /**
   * Moves `difference` out of the pool (positive: a grant) or back into it (negative: a return),
   * inside the caller's transaction. The guard `left ≥ difference` is in the update's filter.
   * Returns what is left after, or null when the pool has too little.
   */
  move(difference: number, session: ClientSession): Promise<number | null> {
    return this.pool.moveIfEnoughLeft(difference, this.now(), session);
  }

  async left(session?: ClientSession): Promise<number> {
    return (await this.pool.find(session))?.left ?? 0;
  }

  /** Only admins change the total (PRODUCT.md §2.12); anyone else is refused and recorded. */
  assertMaySetTotal(actor: Actor): Promise<void> {
    return authorize(this.audit, "pool.setTotal", {
      at: this.now(),
      actor,
      action: "pool.setTotal",
      detail: "only admins change the pool total",
      what: "change the credit pool's total; only admins can",
    });
  }

  /**
   * Sets the total, never below what is granted. The answer is what this change did, read in its own
   * transaction (not a later read that could include someone else's change); a refusal is recorded.
   */
  async setTotal(total: number, actor: Actor): Promise<{ before: number; after: PoolStatus }> {
    await this.assertMaySetTotal(actor);
    const set = await inTransaction(this.client, async (session) => {
      const current = await this.pool.find(session);
      const granted = current?.granted ?? 0;
      if (total < granted) return { refused: granted };
      const at = this.now();
      if (!(await this.pool.setTotalIfStillGranted(total, granted, at, session, !current)))
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
      return { before: current?.total ?? 0, granted };
    });
    if (set.refused !== undefined) {
      const message = `The total cannot be ${formatMoney(total, this.currency)}: ${formatMoney(set.refused, this.currency)} is already granted to customers. Lower customers' credits first, or set at least ${formatMoney(set.refused, this.currency)}.`;
      await recordRefusal(this.audit, {
        at: this.now(),
        actor,
        action: "pool.setTotal",
        detail: message,
      });
      throw new AppError("conflict", message);
    }
    const pending = await this.approvals.pendingCreditIncreases(this.now());
    return {
      before: set.before,
      after: { total, granted: set.granted, left: total - set.granted, pending },
    };
  }
}
