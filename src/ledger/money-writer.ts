import type { ClientSession } from "mongodb";
import type { AuditEvent } from "../audit/audit-event.js";
import type { AuditRepository } from "../audit/audit-repository.js";
import type { Actor } from "../auth/actor.js";
import type {
  CustomerRepository,
  LedgerHeadMove,
  LedgerState,
  MoneyField,
} from "../customers/customer-repository.js";
import { linkAfter } from "../hash-chain/chain.js";
import type { Currency } from "../money/currency.js";
import type { LowBalance } from "../outbox/owed.js";
import type { CreditPool } from "../pool/credit-pool.js";
import { totalsFieldOfKind, utcDay } from "./ledger-day.js";
import type { LedgerDayRepository } from "./ledger-day-repository.js";
import {
  type ChainedLedgerEntry,
  fieldOfKind,
  isReversible,
  type LedgerEntry,
  type LedgerKind,
} from "./ledger-entry.js";
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
  /** The Slack message the change was asked from, kept on its ledger entry and audit record. */
  sourcePermalink?: string;
  /** An approval's other approver and the comments, kept on its ledger entry (undefined: none). */
  approvalNotes?: Pick<LedgerEntry, "approvedAlsoBy" | "approvalComment" | "approvedAlsoComment">;
}

/** LOW_BALANCE_THRESHOLD, and how a crossing of it is owed (in the change's transaction). */
export interface LowBalanceWatch {
  threshold: number;
  owe: (alert: LowBalance, session: ClientSession) => Promise<void>;
}

/** `poolLeft` is set when credits moved, or could not move because the pool has too little. */
/** A change not made: the customer changed meanwhile, or (`poolLeft`) the pool has too little. */
type MoneyFailure = { ok: false; poolLeft?: number };

export type MoneyWrite =
  | { ok: true; before: number; after: number; account: string; poolLeft?: number }
  | MoneyFailure;

/**
 * What writing a reversal did: applied (the new entry's ID and the values), or why not — the value
 * would go below zero (`found`: what it is), the pool has too little, the entry was reversed
 * already, it is not one of the customer's entries that can be reversed (gone, another customer's, a
 * reversal itself), or the customer is gone.
 */
export type ReversalWrite =
  | {
      ok: true;
      entryId: string;
      field: MoneyField;
      before: number;
      after: number;
      account: string;
      poolLeft?: number;
    }
  | { ok: false; why: "below-zero"; field: MoneyField; found: number }
  | { ok: false; why: "pool-short"; poolLeft: number }
  | { ok: false; why: "already-reversed" | "not-reversible" | "no-customer" };

/** "U1" or, for a two-person approval, "U0 and U1" (first, then final). */
function approversOf(context: ChangeContext): string {
  const also = context.approvalNotes?.approvedAlsoBy;
  return `${also ? `${also} and ` : ""}${context.approver?.userId ?? ""}`;
}

function ledgerKind(field: MoneyField, amount: number): LedgerKind {
  if (field === "balance") return amount > 0 ? "balance.refill" : "balance.deduct";
  return amount > 0 ? "credits.grant" : "credits.return";
}

/**
 * The only code that changes balances and credits. Each method runs inside the caller's transaction
 * and writes the customer (with its lifetime totals, in the same update), the ledger entry, its day
 * bucket and the audit record (and for credits the pool) together; every guard is in an update's
 * filter, so concurrent writers can never take a value below zero. Each entry is the next link of
 * its customer's chain: the money and the chain's head are read first (one round trip), and the
 * update that changes the money also moves the head, guarded on the seq it was read at — two
 * writers can never fork a customer's chain (README “The ledger's hash chain”).
 */
export class MoneyWriter {
  constructor(
    private readonly customers: CustomerRepository,
    private readonly ledger: LedgerRepository,
    private readonly days: LedgerDayRepository,
    private readonly pool: CreditPool,
    private readonly audit: AuditRepository,
    private readonly currency: Currency,
    private readonly lowBalance?: LowBalanceWatch,
  ) {}

  /** Refill (delta > 0) or deduct (delta < 0); a deduction needs `balance ≥ amount`, checked by the filter. */
  async addToBalance(
    session: ClientSession,
    customerId: string,
    delta: number,
    context: ChangeContext,
  ): Promise<MoneyWrite> {
    const state = await this.customers.ledgerStateOf(customerId, session);
    if (!state || state.balance + delta < 0) return { ok: false };
    const { entry, head } = this.nextEntry(state, customerId, "balance", delta, context);
    const after =
      delta < 0
        ? await this.customers.deductIfAtLeast(customerId, -delta, context.at, head, session)
        : await this.customers.refill(customerId, delta, context.at, head, session);
    if (!after) return { ok: false };
    await this.record(session, "balance", after.account, entry, context);
    await this.watchBalance(
      session,
      { customerId, account: after.account, amount: delta, after: after.balance },
      context,
    );
    return {
      ok: true,
      before: after.balance - delta,
      after: after.balance,
      account: after.account,
    };
  }

  /**
   * Sets the balance or the credits to `target` only if they are still `expected` (what an approval
   * request showed); credits move the difference out of (or back into) the pool. Returns
   * `{ ok: false }` if the customer changed, `{ ok: false, poolLeft }` if the pool has too little;
   * the caller's transaction then aborts, so nothing is half-applied.
   */
  async setIfStill(
    session: ClientSession,
    field: MoneyField,
    customerId: string,
    expected: number,
    target: number,
    context: ChangeContext,
  ): Promise<MoneyWrite> {
    const state = await this.customers.ledgerStateOf(customerId, session);
    if (!state || state[field] !== expected) return { ok: false };
    const written = await this.setFrom(session, state, field, customerId, target, context);
    if (!written.ok) return written;
    const { account, poolLeft } = written;
    return { ok: true, before: expected, after: target, account, poolLeft };
  }

  /**
   * Sets `field` from its value in `state` to `target` with the guarded update, chained after the
   * customer's head: the ledger entry (with `link`), its day bucket and audit record, for credits the
   * pool moved by the difference, for the balance the low-balance watch. `{ ok: false }` when the
   * customer changed meanwhile, with `poolLeft` when the pool has too little; the caller's
   * transaction then aborts.
   */
  private async setFrom(
    session: ClientSession,
    state: LedgerState,
    field: MoneyField,
    customerId: string,
    target: number,
    context: ChangeContext,
    link: { reverses?: string } = {},
  ): Promise<{ ok: true; entryId: string; account: string; poolLeft?: number } | MoneyFailure> {
    const expected = state[field];
    const difference = target - expected;
    const { entry, head } = this.nextEntry(state, customerId, field, difference, context, link);
    const changed = await this.customers.setIfStill(
      customerId,
      field,
      expected,
      target,
      context.at,
      head,
      session,
    );
    if (!changed) return { ok: false };
    const poolLeft = field === "credits" ? await this.pool.move(difference, session) : undefined;
    if (poolLeft === null) return { ok: false, poolLeft: await this.pool.left(session) };
    const entryId = await this.record(session, field, changed.account, entry, context);
    if (field === "balance")
      await this.watchBalance(
        session,
        { customerId, account: changed.account, amount: difference, after: target },
        context,
      );
    return { ok: true, entryId, account: changed.account, poolLeft };
  }

  /**
   * Writes the reversal of the customer's entry `entryId` (read again here, in the transaction):
   * a new entry of the opposite amount with `reverses: entryId`, the balance or credits changed by
   * it (never below zero), for credits the pool moved the other way (a reversed grant returns to the
   * pool; a reversed return takes from it, refused when it has too little), and the entry's
   * `reversedBy` set, guarded on its absence so an entry is reversed once. Like `setIfStill`: on `{ ok: false }` the caller's
   * transaction must abort, so nothing is half-applied.
   */
  async reverse(
    session: ClientSession,
    target: { customerId: string; entryId: string },
    context: ChangeContext,
  ): Promise<ReversalWrite> {
    const original = await this.ledger.findEntry(target.entryId, session);
    if (original?.reversedBy) return { ok: false, why: "already-reversed" };
    if (!original || original.customerId !== target.customerId || !isReversible(original))
      return { ok: false, why: "not-reversible" };
    const field: MoneyField = fieldOfKind(original.kind);
    const { customerId } = original;
    const state = await this.customers.ledgerStateOf(customerId, session);
    if (!state) return { ok: false, why: "no-customer" };
    const delta = -original.amount;
    const before = state[field];
    if (before + delta < 0) return { ok: false, why: "below-zero", field, found: before };
    const written = await this.setFrom(session, state, field, customerId, before + delta, context, {
      reverses: original.entryId,
    });
    if (!written.ok)
      return written.poolLeft === undefined
        ? { ok: false, why: "no-customer" }
        : { ok: false, why: "pool-short", poolLeft: written.poolLeft };
    const { entryId, account, poolLeft } = written;
    if (!(await this.ledger.markReversed(customerId, original.entryId, entryId, session)))
      return { ok: false, why: "already-reversed" };
    return {
      ok: true,
      entryId,
      field,
      before,
      after: before + delta,
      account,
      ...(poolLeft === undefined ? {} : { poolLeft }),
    };
  }

  /** The ledger entry a change of `field` by `amount` writes, chained after the customer's head. */
  private nextEntry(
    state: LedgerState,
    customerId: string,
    field: MoneyField,
    amount: number,
    context: ChangeContext,
    link: { reverses?: string } = {},
  ): { entry: ChainedLedgerEntry; head: LedgerHeadMove } {
    const entry = linkAfter(state.ledgerHead, {
      customerId,
      kind: ledgerKind(field, amount),
      amount,
      after: state[field] + amount,
      currency: this.currency.code,
      actorId: context.requester.userId,
      approvedBy: context.approver?.userId ?? null,
      approvalId: context.approvalId,
      reason: context.reason,
      idempotencyKey: context.idempotencyKey,
      at: context.at,
      ...(context.sourcePermalink ? { sourcePermalink: context.sourcePermalink } : {}),
      ...context.approvalNotes,
      ...link,
    });
    return {
      entry,
      head: { expected: state.ledgerHead, next: { seq: entry.seq, hash: entry.hash } },
    };
  }

  /**
   * Owes a low-balance line when this change took the balance from at or above the threshold to
   * below it. `after` is what the guarded update wrote, so of concurrent changes exactly the one
   * that crossed owes it; a further deduction while below owes nothing, a refill above re-arms it.
   */
  private async watchBalance(
    session: ClientSession,
    written: { customerId: string; account: string; amount: number; after: number },
    context: ChangeContext,
  ): Promise<void> {
    const watch = this.lowBalance;
    const { after, amount } = written;
    if (!watch || after >= watch.threshold || after - amount < watch.threshold) return;
    await watch.owe(
      {
        customerId: written.customerId,
        account: written.account,
        balance: after,
        threshold: watch.threshold,
        amount,
        requestedBy: context.requester.userId,
        approvedBy: context.approver?.userId ?? null,
        at: context.at,
      },
      session,
    );
  }

  private async record(
    session: ClientSession,
    field: MoneyField,
    account: string,
    entry: ChainedLedgerEntry,
    context: ChangeContext,
  ): Promise<string> {
    const source = context.sourcePermalink ? { sourcePermalink: context.sourcePermalink } : {};
    const { customerId, kind, amount, after } = entry;
    const entryId = await this.ledger.append(entry, session);
    await this.days.add(
      customerId,
      utcDay(context.at),
      totalsFieldOfKind[kind],
      Math.abs(amount),
      session,
    );
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
            `${context.reason}${context.approver ? ` (requested by ${context.requester.userId}, approved by ${approversOf(context)})` : ""}`.slice(
              0,
              500,
            ),
          ...source,
        },
        ...(context.alsoAudit ?? []),
      ],
      session,
    );
    return entryId;
  }
}
