import type { Db, MongoClient } from "mongodb";
import { CustomerRepository } from "../customers/customer-repository.js";
import { inTransaction } from "../db/transaction.js";
import type { MoneyTotals } from "../money/money-totals.js";
import { type CustomerProgress, forEachCustomer } from "./each-customer.js";
import { countLedger, type LedgerDay } from "./ledger-day.js";
import { LedgerDayRepository } from "./ledger-day-repository.js";
import { LedgerRepository } from "./ledger-repository.js";

/** A customer's lifetime totals and day buckets, as counted from their whole ledger. */
export interface CountedTotals {
  totals: MoneyTotals;
  days: LedgerDay[];
}

/**
 * Counts customers' lifetime totals and day buckets from the ledger and stores them, for customers
 * written before totals existed or by the console. Each customer is counted in one transaction, so
 * a money change made meanwhile (which writes the same customer) either comes before the count and
 * is in it, or conflicts and runs after it, on the counted totals.
 */
export class TotalsBackfill {
  constructor(
    private readonly client: MongoClient,
    private readonly customers: CustomerRepository,
    private readonly ledger: LedgerRepository,
    private readonly days: LedgerDayRepository,
    private readonly now: () => Date,
  ) {}

  /** Recounts one customer; null when there is no such customer. */
  customer(customerId: string): Promise<CountedTotals | null> {
    return inTransaction(this.client, async (session) => {
      const { totals, days } = countLedger(await this.ledger.sumsByDayAndKind(customerId, session));
      if (!(await this.customers.setCountedTotals(customerId, totals, this.now(), session)))
        return null;
      await this.days.replaceAll(customerId, days, session);
      return { totals, days };
    });
  }

  /** Recounts every customer in batches; returns how many. */
  all(onProgress: (progress: CustomerProgress) => void): Promise<number> {
    return forEachCustomer(this.customers, (customerId) => this.customer(customerId), {
      onProgress,
    });
  }
}

/** Recounts every customer's totals and day buckets from the ledger (for `npm run reindex`). */
export function backfillTotals(
  db: Db,
  onProgress: (progress: CustomerProgress) => void,
): Promise<number> {
  return new TotalsBackfill(
    db.client,
    new CustomerRepository(db),
    new LedgerRepository(db),
    new LedgerDayRepository(db),
    () => new Date(),
  ).all(onProgress);
}
