import type { AuditRepository } from "../audit/audit-repository.js";
import { authorize, recordRefusal } from "../audit/refusals.js";
import type { Actor } from "../auth/actor.js";
import type { Customer } from "../customers/customer.js";
import { customerGone } from "../customers/customer-gone.js";
import type { CustomerRepository } from "../customers/customer-repository.js";
import { AppError } from "../errors/app-error.js";
import { fieldOfKind, type StoredLedgerEntry } from "../ledger/ledger-entry.js";
import type { LedgerRepository } from "../ledger/ledger-repository.js";
import { type Currency, formatMoney } from "../money/currency.js";
import type { CreditPool } from "../pool/credit-pool.js";
import type { Approval } from "./approval.js";
import type { ApprovalService } from "./approval-service.js";

/** The entry a reversal is asked for and its customer, as read when it was asked. */
export interface ReversalSubject {
  entry: StoredLedgerEntry;
  customer: Customer;
}

const unknownEntry =
  "That entry is not one of this customer's ledger entries. Open billing details again and pick the entry there.";

/**
 * Reversal of a ledger entry (support and up): always an approval request, whatever the amount.
 * The entry is named by its ID only and read again on every step: it must exist, belong to the
 * customer the form was for, have moved money, not be a reversal, not be reversed already, and its
 * reversal must not take the customer's value (or, for credits, the pool) below zero as things are
 * now. The approval writes it (`ApprovalService.approve` → `MoneyWriter.reverse`), checked again.
 */
export class Reversals {
  constructor(
    private readonly ledger: Pick<LedgerRepository, "findEntry">,
    private readonly customers: CustomerRepository,
    private readonly approvals: ApprovalService,
    private readonly pool: CreditPool,
    private readonly audit: AuditRepository,
    private readonly currency: Currency,
    private readonly now: () => Date,
  ) {}

  /**
   * The entry and its customer if `actor` may ask for its reversal now (`customerId`: the customer
   * whose billing details it was picked from, when known); otherwise a clear, audited refusal.
   */
  async reversible(entryId: string, actor: Actor, customerId?: string): Promise<ReversalSubject> {
    const at = this.now();
    await authorize(this.audit, "customers.write", {
      at,
      actor,
      action: "ledger.reverse",
      detail: "ask for the reversal of a ledger entry",
      what: "ask for reversals of ledger entries",
    });
    const entry = await this.ledger.findEntry(entryId);
    const refuse = async (message: string, code: "not_found" | "conflict" = "conflict") => {
      await recordRefusal(this.audit, {
        at,
        actor,
        action: "ledger.reverse",
        ...(entry ? { target: { customerId: entry.customerId } } : {}),
        detail: `entry ${entryId}: ${message}`,
      });
      return new AppError(code, message);
    };
    if (!entry || (customerId !== undefined && entry.customerId !== customerId))
      throw await refuse(unknownEntry, "not_found");
    const customer = await this.customers.findByCustomerId(entry.customerId);
    if (!customer) throw customerGone(entry.customerId);
    if (entry.reversedBy)
      throw await refuse(
        `This entry was already reversed (by entry ${entry.reversedBy}); an entry can be reversed once.`,
      );
    if (entry.reverses)
      throw await refuse(
        `This entry is itself the reversal of entry ${entry.reverses}; it cannot be reversed.`,
      );
    if (entry.amount === 0)
      throw await refuse("This entry moved no money; there is nothing to reverse.");
    const why = await this.blockedNow(entry, customer);
    if (why) throw await refuse(why);
    return { entry, customer };
  }

  /**
   * Asks for the reversal of `entryId` (read again), as an approval request posted to the
   * approvals channel; a repeat of the same submission (its idempotency key) answers the request
   * it made, and a second request for an entry with one pending is refused.
   */
  async request(
    entryId: string,
    customerId: string,
    reason: string,
    actor: Actor,
    idempotencyKey: string,
  ): Promise<{ approval: Approval; created: boolean }> {
    const repeat = await this.approvals.requestedWith(idempotencyKey);
    if (repeat) return { approval: repeat, created: false };
    const { entry, customer } = await this.reversible(entryId, actor, customerId);
    const field = fieldOfKind(entry.kind);
    const current = customer[field];
    return this.approvals.request({
      kind: "reversal",
      customerId: customer.customerId,
      account: customer.account,
      current,
      target: current - entry.amount,
      reason,
      requester: actor,
      idempotencyKey,
      reverses: {
        entryId: entry.entryId,
        kind: field,
        amount: entry.amount,
        entryKind: entry.kind,
        at: entry.at,
        actorId: entry.actorId,
      },
    });
  }

  /** Why reversing the entry would take a value below zero now, or null when it would not. */
  private async blockedNow(entry: StoredLedgerEntry, customer: Customer): Promise<string | null> {
    const money = (value: number) => formatMoney(value, this.currency);
    const field = fieldOfKind(entry.kind);
    const after = customer[field] - entry.amount;
    if (after < 0)
      return `Reversing this entry would take ${customer.account}'s ${field} from ${money(customer[field])} to ${money(after)}, below zero; nothing was requested.`;
    if (field === "credits" && entry.amount < 0) {
      const left = await this.pool.left();
      if (left < -entry.amount)
        return `Reversing this entry needs ${money(-entry.amount)} from the credit pool, but it has only ${money(left)} left; nothing was requested. Ask an admin to raise the pool total.`;
    }
    return null;
  }
}
