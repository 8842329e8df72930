import type { Db } from "mongodb";
import type { AuditRepository } from "../audit/audit-repository.js";
import { CustomerRepository } from "../customers/customer-repository.js";
import { type CustomerProgress, forEachCustomer } from "../ledger/each-customer.js";
import type { Currency } from "../money/currency.js";
import { type AuditVerification, verifyAuditChain } from "./verify-audit.js";
import { type LedgerVerification, LedgerVerifier } from "./verify-ledger.js";

/** Breaks kept per customer (and for the audit chain) by `npm run verify`; the rest are counted. */
const breaksKept = 1000;

/** What `npm run verify` found over every customer and the audit trail. */
export interface IntegrityCheck {
  customers: number;
  /** Customers whose ledger has at least one break. */
  brokenCustomers: number;
  ledgerBreaks: number;
  chainedEntries: number;
  unchainedEntries: number;
  /** Customers whose lifetime totals were never counted (not a break: `npm run reindex` counts them). */
  uncountedTotals: number;
  audit: AuditVerification;
}

/**
 * Every customer's ledger (chain and sums, each customer in one snapshot, a few at a time), then
 * the audit chain; each customer's result is reported as found, with progress.
 */
export async function verifyEverything(
  db: Db,
  audit: AuditRepository,
  currency: Currency,
  report: {
    onCustomer: (found: LedgerVerification) => void;
    onCustomerProgress: (progress: CustomerProgress) => void;
    onAuditProgress: (progress: { done: number; total: number }) => void;
  },
): Promise<IntegrityCheck> {
  const verifier = new LedgerVerifier(db, currency);
  const check = {
    brokenCustomers: 0,
    ledgerBreaks: 0,
    chainedEntries: 0,
    unchainedEntries: 0,
    uncountedTotals: 0,
  };
  const customers = await forEachCustomer(
    new CustomerRepository(db),
    (customerId) => verifier.verify(customerId, breaksKept),
    {
      onResult: (found) => {
        // Null: deleted since its ID was read.
        if (!found) return;
        check.chainedEntries += found.chained;
        check.unchainedEntries += found.unchained;
        check.ledgerBreaks += found.totalBreaks;
        if (found.totalBreaks > 0) check.brokenCustomers += 1;
        if (!found.totalsCounted) check.uncountedTotals += 1;
        report.onCustomer(found);
      },
      onProgress: report.onCustomerProgress,
    },
  );
  const auditCheck = await verifyAuditChain(audit, breaksKept, report.onAuditProgress);
  return { customers, ...check, audit: auditCheck };
}
