import type { MongoClient } from "mongodb";
import type { Approval } from "../approvals/approval.js";
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
import type { MoneyWriter } from "../ledger/money-writer.js";
import { type Currency, formatMoney } from "../money/currency.js";
import type { CreditPool } from "../pool/credit-pool.js";

export type MoneyOutcome =
  | { kind: "applied"; account: string; before: number; after: number }
  /** `created` is false when this delivery found the request already made (a Slack retry, a double submit). */
  | { kind: "requested"; approval: Approval; created: boolean }
  | { kind: "already-applied" };

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
  ) {}

  private format(value: number): string {
    return formatMoney(value, this.options.currency);
  }

  /**
   * Refill (+) or deduct (−). A support member's change above BALANCE_APPROVAL_LIMIT becomes an
   * approval request; everything else applies at once, in one transaction with its ledger entry.
   */
  async changeBalance(
    customerId: string,
    delta: number,
    reason: string,
    actor: Actor,
    idempotencyKey: string,
  ): Promise<MoneyOutcome> {
    const customer = await this.existing(customerId);
    if (delta < 0 && customer.balance < -delta)
      throw await this.refuseDeduction(
        customer.customerId,
        customer.account,
        -delta,
        customer.balance,
        actor,
      );
    if (
      Math.abs(delta) > this.options.balanceApprovalLimit &&
      !can(actor.role, "approvals.decide")
    ) {
      const { approval, created } = await this.approvals.request({
        kind: "balance",
        customerId,
        account: customer.account,
        current: customer.balance,
        target: customer.balance + delta,
        reason,
        requester: actor,
        idempotencyKey,
      });
      return { kind: "requested", approval, created };
    }
    try {
      const write = await inTransaction(this.client, async (session) => {
        const at = this.now();
        await this.idempotency.claim(idempotencyKey, at, session);
        return this.writer.addToBalance(session, customerId, delta, {
          requester: actor,
          approver: null,
          approvalId: null,
          reason,
          idempotencyKey,
          at,
        });
      });
      if (write.ok)
        return {
          kind: "applied",
          account: write.account,
          before: write.before,
          after: write.after,
        };
    } catch (error) {
      if (error instanceof AlreadyApplied) return { kind: "already-applied" };
      throw error;
    }
    const now = await this.customers.findByCustomerId(customerId);
    throw await this.refuseDeduction(
      customerId,
      customer.account,
      -delta,
      now?.balance ?? 0,
      actor,
    );
  }

  /** Every credit change is an approval request; a target needing more than the pool has left is refused now. */
  async requestCredits(
    customerId: string,
    target: number,
    reason: string,
    actor: Actor,
    idempotencyKey: string,
  ): Promise<MoneyOutcome> {
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
    });
    return { kind: "requested", approval, created };
  }

  private async existing(customerId: string): Promise<Customer> {
    const customer = await this.customers.findByCustomerId(customerId);
    if (!customer) throw customerGone(customerId);
    return customer;
  }

  private async refuseDeduction(
    customerId: string,
    account: string,
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
