import type { ClientSession, MongoClient } from "mongodb";
import { z } from "zod";
import type { Approval, SummedChanges } from "../approvals/approval.js";
import type { ApprovalService } from "../approvals/approval-service.js";
import type { AuditRepository } from "../audit/audit-repository.js";
import { recordRefusal } from "../audit/refusals.js";
import type { Actor } from "../auth/actor.js";
import { can } from "../auth/roles.js";
import type { Customer } from "../customers/customer.js";
import { customerGone } from "../customers/customer-gone.js";
import type { CustomerRepository } from "../customers/customer-repository.js";
import { AlreadyApplied, type IdempotencyRepository } from "../db/idempotency-repository.js";
import { inTransaction } from "../db/transaction.js";
import { AppError } from "../errors/app-error.js";
import type { LedgerRepository } from "../ledger/ledger-repository.js";
import type { MoneyWriter } from "../ledger/money-writer.js";
import { type Currency, formatMoney } from "../money/currency.js";
import type { CreditPool } from "../pool/credit-pool.js";
import { type ChangeSource, checkedSource } from "./source-permalink.js";

export type MoneyOutcome =
  /** `repeated` is true when this delivery was a repeat of the change (a Slack retry, a double submit). */
  | { kind: "applied"; account: string; before: number; after: number; repeated: boolean }
  /** `created` is false when this delivery found the request already made (a Slack retry, a double submit). */
  | { kind: "requested"; approval: Approval; created: boolean }
  /** A repeat of a change whose key was kept without its outcome (claimed before outcomes were kept). */
  | { kind: "already-applied" };

/** What a direct balance change remembers with its idempotency key, to answer its repeats. */
const appliedSchema = z.object({
  kind: z.literal("applied"),
  account: z.string(),
  before: z.number(),
  after: z.number(),
});

/** The rolling limit's period: a support member's direct changes to one customer over this are summed. */
const rollingLimitMs = 24 * 3600 * 1000;
/** Most earlier changes read per check; beyond this many in 24 h, every further one is a request. */
const rollingLimitCap = 1000;
/** How many of the earlier changes a request shows. */
const summedShown = 10;

/** Thrown inside a direct change's transaction when, summed with the earlier ones, it passes the limit. */
class OverRollingLimit extends Error {
  constructor(readonly summed: SummedChanges) {
    super("over the rolling limit");
  }
}

/** Thrown inside a direct change's transaction when a first delivery of it became a request. */
class AlreadyRequested extends Error {
  constructor(readonly approval: Approval) {
    super("already requested");
  }
}

/** Thrown inside the change's transaction to abort it (leaving no key behind) and say why. */
class Refused extends Error {
  constructor(
    readonly account: string,
    readonly balance: number,
  ) {
    super("refused");
  }
}

/** Manage balance (§2.4) and Manage credits (§2.5): who may do what directly, and what needs a manager. */
export class MoneyService {
  constructor(
    private readonly client: MongoClient,
    private readonly idempotency: IdempotencyRepository,
    private readonly customers: CustomerRepository,
    private readonly writer: MoneyWriter,
    private readonly approvals: ApprovalService,
    private readonly pool: CreditPool,
    private readonly audit: AuditRepository,
    private readonly options: { currency: Currency; balanceApprovalLimit: number },
    private readonly now: () => Date,
    private readonly ledger: Pick<LedgerRepository, "directChangesSince">,
  ) {}

  private format(value: number): string {
    return formatMoney(value, this.options.currency);
  }

  /**
   * Refill (+) or deduct (−). A support member's change above BALANCE_APPROVAL_LIMIT becomes an
   * approval request, and so does one that, summed with their other direct changes to the customer
   * in the last 24 hours, would pass it; everything else applies at once, in one transaction with
   * its ledger entry. A repeat of the same change (its idempotency key) is recognised first and
   * answered with what the first delivery did; a refused deduction aborts its transaction, so it
   * leaves no key behind. `source` (the message it was asked from) is kept on the request or the
   * ledger entry.
   */
  async changeBalance(
    customerId: string,
    delta: number,
    reason: string,
    actor: Actor,
    idempotencyKey: string,
    source: ChangeSource = {},
  ): Promise<MoneyOutcome> {
    const from = checkedSource(source);
    const limited = !can(actor.role, "approvals.decide");
    if (limited && Math.abs(delta) > this.options.balanceApprovalLimit) {
      // Decided from a read of the customer: a repeat must be recognised before it.
      const repeat = await this.repeatOf(idempotencyKey);
      if (repeat) return repeat;
      return this.requestBalance(customerId, delta, reason, actor, idempotencyKey, from);
    }
    // A direct change reads nothing before its transaction: the repeat checks, the guard, the
    // refusal's balance and the rolling limit are all read inside it.
    try {
      return await inTransaction(this.client, async (session): Promise<MoneyOutcome> => {
        // It records an audit event: taking the chain's turn first, it never starts again for a
        // change made by this process meanwhile.
        await this.audit.takeChainTurn(session);
        const earlier = await this.idempotency.recall(idempotencyKey, session);
        if (earlier) return this.answerRepeat(earlier.outcome);
        const at = this.now();
        const write = await this.writer.addToBalance(session, customerId, delta, {
          requester: actor,
          approver: null,
          approvalId: null,
          reason,
          idempotencyKey,
          at,
          ...from,
        });
        if (!write.ok) {
          const now = await this.customers.findByCustomerId(customerId, session);
          if (!now) throw customerGone(customerId);
          throw new Refused(now.account, now.balance);
        }
        if (limited)
          await this.checkRollingLimit(session, customerId, delta, actor, idempotencyKey, at);
        const applied = {
          kind: "applied" as const,
          account: write.account,
          before: write.before,
          after: write.after,
        };
        await this.idempotency.claim(idempotencyKey, at, session, applied);
        return { ...applied, repeated: false };
      });
    } catch (error) {
      if (error instanceof AlreadyRequested)
        return { kind: "requested", approval: error.approval, created: false };
      if (error instanceof OverRollingLimit)
        return this.requestBalance(
          customerId,
          delta,
          reason,
          actor,
          idempotencyKey,
          from,
          error.summed,
        );
      if (error instanceof Refused)
        throw await this.refuseDeduction(
          { customerId, account: error.account },
          -delta,
          error.balance,
          actor,
        );
      if (!(error instanceof AlreadyApplied)) throw error;
      // A concurrent delivery of the same change committed first: answer with what it did.
      return (await this.repeatOf(idempotencyKey)) ?? { kind: "already-applied" };
    }
  }

  /**
   * The rolling limit, checked inside the direct change's transaction right after its guarded
   * update of the customer document: throws OverRollingLimit (aborting the change) when the
   * requester's other direct changes to this customer in the last 24 hours, summed by absolute
   * amount with this one, pass BALANCE_APPROVAL_LIMIT. Race-safe: that update succeeded, so no
   * other change to the customer is uncommitted and none committed after this transaction's
   * snapshot: every one that applied before is in the sum, and any that tries to apply meanwhile
   * gets a WriteConflict and is retried on a snapshot holding this one (README "Approvals"). Read
   * after the update, so the transactions that lose the race retry before paying for it. Throws
   * AlreadyRequested for a repeat of a delivery that became a request, even if the sum has changed
   * since (an earlier change has left the 24 hours).
   */
  private async checkRollingLimit(
    session: ClientSession,
    customerId: string,
    delta: number,
    actor: Actor,
    idempotencyKey: string,
    at: Date,
  ): Promise<void> {
    const limit = this.options.balanceApprovalLimit;
    const [requested, earlier] = await Promise.all([
      this.approvals.requestedWith(idempotencyKey),
      this.ledger.directChangesSince(
        customerId,
        actor.userId,
        new Date(at.getTime() - rollingLimitMs),
        { cap: rollingLimitCap, show: summedShown, except: idempotencyKey },
        session,
      ),
    ]);
    if (requested) throw new AlreadyRequested(requested);
    if (earlier.total + Math.abs(delta) <= limit && earlier.count <= rollingLimitCap) return;
    throw new OverRollingLimit({ limit, ...earlier });
  }

  /** A support member's balance change that needs a manager: refused now if it deducts more than the balance. */
  private async requestBalance(
    customerId: string,
    delta: number,
    reason: string,
    actor: Actor,
    idempotencyKey: string,
    from: ChangeSource,
    summedWith?: SummedChanges,
  ): Promise<MoneyOutcome> {
    const customer = await this.existing(customerId);
    if (delta < 0 && customer.balance < -delta)
      throw await this.refuseDeduction(customer, -delta, customer.balance, actor);
    const { approval, created } = await this.approvals.request({
      kind: "balance",
      customerId,
      account: customer.account,
      current: customer.balance,
      target: customer.balance + delta,
      reason,
      requester: actor,
      idempotencyKey,
      ...from,
      ...(summedWith ? { summedWith } : {}),
    });
    return { kind: "requested", approval, created };
  }

  /**
   * The first outcome of the change made with `idempotencyKey`, if it was made: a direct change
   * remembers it with the key; a request is found by the key it was stored with.
   */
  private async repeatOf(idempotencyKey: string): Promise<MoneyOutcome | null> {
    const earlier = await this.idempotency.recall(idempotencyKey);
    if (earlier) return this.answerRepeat(earlier.outcome);
    const approval = await this.approvals.requestedWith(idempotencyKey);
    return approval ? { kind: "requested", approval, created: false } : null;
  }

  private answerRepeat(outcome: unknown): MoneyOutcome {
    const applied = appliedSchema.safeParse(outcome);
    return applied.success ? { ...applied.data, repeated: true } : { kind: "already-applied" };
  }

  /**
   * Every credit change is an approval request; a target needing more than the pool has left is
   * refused now. `source` (the message it was asked from) is kept on the request.
   */
  async requestCredits(
    customerId: string,
    target: number,
    reason: string,
    actor: Actor,
    idempotencyKey: string,
    source: ChangeSource = {},
  ): Promise<MoneyOutcome> {
    const from = checkedSource(source);
    const repeat = await this.repeatOf(idempotencyKey);
    if (repeat) return repeat;
    const customer = await this.existing(customerId);
    if (target === customer.credits) {
      throw new AppError(
        "invalid_input",
        `${customer.account} already has ${this.format(target)} in credits; nothing to change.`,
        { field: "amount" },
      );
    }
    const left = await this.pool.left();
    if (target - customer.credits > left) {
      await recordRefusal(this.audit, {
        at: this.now(),
        actor,
        action: "credits.request",
        target: { customerId, account: customer.account },
        detail: `target ${target} needs ${target - customer.credits}, pool left ${left}`,
      });
      throw new AppError(
        "conflict",
        `Setting ${customer.account}'s credits to ${this.format(target)} needs ${this.format(target - customer.credits)} from the credit pool, but only ${this.format(left)} is left. The most you can set is ${this.format(customer.credits + left)}.`,
        { field: "amount" },
      );
    }
    const { approval, created } = await this.approvals.request({
      kind: "credits",
      customerId,
      account: customer.account,
      current: customer.credits,
      target,
      reason,
      requester: actor,
      idempotencyKey,
      ...from,
    });
    return { kind: "requested", approval, created };
  }

  private async existing(customerId: string): Promise<Customer> {
    const customer = await this.customers.findByCustomerId(customerId);
    if (!customer) throw customerGone(customerId);
    return customer;
  }

  private async refuseDeduction(
    { customerId, account }: Pick<Customer, "customerId" | "account">,
    amount: number,
    balance: number,
    actor: Actor,
  ): Promise<AppError> {
    await recordRefusal(this.audit, {
      at: this.now(),
      actor,
      action: "balance.deduct",
      target: { customerId, account },
      detail: `deduct ${amount} refused: balance ${balance}`,
    });
    return new AppError(
      "conflict",
      `Cannot deduct ${this.format(amount)} from ${account}: the balance is only ${this.format(balance)}. Nothing was changed.`,
      { field: "amount" },
    );
  }
}
