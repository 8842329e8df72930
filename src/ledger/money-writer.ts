import type { ClientSession, Db } from "mongodb";
import type { AuditEvent } from "../audit/audit-event.js";
import type { AuditRepository } from "../audit/audit-repository.js";
import type { Actor } from "../auth/actor.js";
import { collections } from "../db/collections.js";
import type { Currency } from "../money/currency.js";
import type { CreditPool } from "../pool/credit-pool.js";
import type { LedgerKind } from "./ledger-entry.js";
import type { LedgerRepository } from "./ledger-repository.js";

/** Why a change is made and on whose authority: copied into the ledger entry and the audit record. */
export interface ChangeContext {
  requester: Actor;
  approver: Actor | null;
  approvalId: string | null;
  reason: string;
  idempotencyKey: string;
  at: Date;
  /** Audit records written in the same insert as the change's own (an approval's decision). */
  alsoAudit?: AuditEvent[];
}

export type BalanceWrite =
  | { ok: true; before: number; after: number; account: string; poolLeft?: undefined }
  | { ok: false; poolLeft?: undefined };
export type CreditsWrite =
  | { ok: true; before: number; after: number; account: string; poolLeft: number }
  | { ok: false; poolLeft?: number };

/**
 * The only code that changes balances and credits. Each method runs inside the caller's transaction
 * and writes the customer, the ledger entry and the audit record (and for credits the pool) together;
 * every guard is in an update's filter, so concurrent writers can never take a value below zero.
 */
export class MoneyWriter {
  constructor(
    private readonly db: Db,
    private readonly ledger: LedgerRepository,
    private readonly pool: CreditPool,
    private readonly audit: AuditRepository,
    private readonly currency: Currency,
  ) {}

  private customers() {
    return this.db.collection(collections.customers);
  }

  /** Refill (delta > 0) or deduct (delta < 0); a deduction needs `balance ≥ amount`, checked by the filter. */
  async addToBalance(
    session: ClientSession,
    customerId: string,
    delta: number,
    context: ChangeContext,
  ): Promise<BalanceWrite> {
    const guard = delta < 0 ? { balance: { $gte: -delta } } : {};
    const after = await this.customers().findOneAndUpdate(
      { customerId: { $eq: customerId }, ...guard },
      { $inc: { balance: delta }, $set: { updatedAt: context.at } },
      { session, returnDocument: "after", projection: { balance: 1, account: 1 } },
    );
    if (!after) return { ok: false };
    const balance = after.balance as number;
    await this.record(
      session,
      customerId,
      String(after.account),
      delta > 0 ? "balance.refill" : "balance.deduct",
      delta,
      balance,
      context,
    );
    return { ok: true, before: balance - delta, after: balance, account: String(after.account) };
  }

  /** Sets the balance to `target` only if it is still `expected` (what an approval request showed). */
  async setBalanceIf(
    session: ClientSession,
    customerId: string,
    expected: number,
    target: number,
    context: ChangeContext,
  ): Promise<BalanceWrite> {
    const after = await this.customers().findOneAndUpdate(
      { customerId: { $eq: customerId }, balance: { $eq: expected } },
      { $set: { balance: target, updatedAt: context.at } },
      { session, returnDocument: "after", projection: { account: 1 } },
    );
    if (!after) return { ok: false };
    const delta = target - expected;
    await this.record(
      session,
      customerId,
      String(after.account),
      delta > 0 ? "balance.refill" : "balance.deduct",
      delta,
      target,
      context,
    );
    return { ok: true, before: expected, after: target, account: String(after.account) };
  }

  /**
   * Sets credits to `target` only if they are still `expected`, moving the difference out of (or
   * back into) the pool. Returns `{ ok: false }` if the customer changed, `{ ok: false, poolLeft }`
   * if the pool has too little; the caller's transaction then aborts, so nothing is half-applied.
   */
  async setCreditsIf(
    session: ClientSession,
    customerId: string,
    expected: number,
    target: number,
    context: ChangeContext,
  ): Promise<CreditsWrite> {
    const after = await this.customers().findOneAndUpdate(
      { customerId: { $eq: customerId }, credits: { $eq: expected } },
      { $set: { credits: target, updatedAt: context.at } },
      { session, returnDocument: "after", projection: { account: 1 } },
    );
    if (!after) return { ok: false };
    const difference = target - expected;
    const poolLeft = await this.pool.move(difference, session);
    if (poolLeft === null) return { ok: false, poolLeft: await this.pool.left(session) };
    await this.record(
      session,
      customerId,
      String(after.account),
      difference > 0 ? "credits.grant" : "credits.return",
      difference,
      target,
      context,
    );
    return { ok: true, before: expected, after: target, account: String(after.account), poolLeft };
  }

  private async record(
    session: ClientSession,
    customerId: string,
    account: string,
    kind: LedgerKind,
    amount: number,
    after: number,
    context: ChangeContext,
  ): Promise<void> {
    await this.ledger.append(
      {
        customerId,
        kind,
        amount,
        after,
        currency: this.currency.code,
        actorId: context.requester.userId,
        approvedBy: context.approver?.userId ?? null,
        approvalId: context.approvalId,
        reason: context.reason,
        idempotencyKey: context.idempotencyKey,
        at: context.at,
      },
      session,
    );
    const field = kind.startsWith("balance") ? "balance" : "credits";
    await this.audit.recordMany(
      [
        {
          at: context.at,
          actorId: (context.approver ?? context.requester).userId,
          actorRole: (context.approver ?? context.requester).role,
          action: kind,
          outcome: "done",
          target: {
            customerId,
            account,
            ...(context.approvalId ? { approvalId: context.approvalId } : {}),
          },
          before: { [field]: after - amount },
          after: { [field]: after },
          detail:
            `${context.reason}${context.approver ? ` (requested by ${context.requester.userId}, approved by ${context.approver.userId})` : ""}`.slice(
              0,
              500,
            ),
        },
        ...(context.alsoAudit ?? []),
      ],
      session,
    );
  }
}
