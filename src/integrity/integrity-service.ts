import type { Db } from "mongodb";
import type { AuditRepository } from "../audit/audit-repository.js";
import { authorize } from "../audit/refusals.js";
import type { Actor } from "../auth/actor.js";
import { customerGone } from "../customers/customer-gone.js";
import type { Currency } from "../money/currency.js";
import { type LedgerVerification, LedgerVerifier } from "./verify-ledger.js";

/** Breaks `/customer verify` lists; the rest are counted (`npm run verify` lists them all). */
export const breaksShown = 10;

/** `/customer verify`: one customer's ledger checked on request, on the record. */
export class IntegrityService {
  private readonly verifier: LedgerVerifier;

  constructor(
    db: Db,
    private readonly audit: AuditRepository,
    currency: Currency,
    private readonly now: () => Date,
  ) {
    this.verifier = new LedgerVerifier(db, currency);
  }

  /** Verifies the customer's chain and sums (support and up), and records that it was done and what it found. */
  async verifyCustomer(
    actor: Actor,
    customer: { customerId: string; account: string },
  ): Promise<LedgerVerification> {
    const target = { customerId: customer.customerId, account: customer.account };
    await authorize(this.audit, "ledger.verify", {
      actor,
      action: "customer.verify",
      target,
      detail: "verify a customer's ledger",
      at: this.now(),
      what: "verify a customer's ledger",
    });
    const found = await this.verifier.verify(customer.customerId, breaksShown);
    if (!found) throw customerGone(customer.customerId);
    await this.audit.record({
      at: this.now(),
      actorId: actor.userId,
      actorRole: actor.role,
      action: "customer.verify",
      outcome: "done",
      target,
      detail:
        found.totalBreaks === 0
          ? `${found.chained} chained entries: chain intact, sums match`
          : `${found.totalBreaks} problems found; first: ${found.breaks[0]?.what ?? ""}`.slice(
              0,
              300,
            ),
    });
    return found;
  }
}
