import type { Db, MongoClient } from "mongodb";
import { CustomerRepository } from "../customers/customer-repository.js";
import { inTransaction } from "../db/transaction.js";
import { type CustomerProgress, forEachCustomer } from "./each-customer.js";
import { countLedger } from "./ledger-day.js";
import { LedgerDayRepository } from "./ledger-day-repository.js";
import { LedgerRepository } from "./ledger-repository.js";
import { type TotalsDifference, totalsDifferencesOf } from "./totals-differences.js";

export interface TotalsCheck {
  customers: number;
  differences: number;
}

/**
 * Checks every customer's stored balance, credits, lifetime totals and day buckets against their
 * ledger, each customer read in one snapshot (a money change made meanwhile is either wholly in
 * the check or not at all, so it never shows as a difference). Reports each difference as found.
 */
export async function verifyTotals(
  db: Db,
  report: {
    onDifference: (difference: TotalsDifference) => void;
    onProgress: (progress: CustomerProgress) => void;
  },
): Promise<TotalsCheck> {
  const client: MongoClient = db.client;
  const customers = new CustomerRepository(db);
  const ledger = new LedgerRepository(db);
  const days = new LedgerDayRepository(db);
  let differences = 0;
  const checked = await forEachCustomer(
    customers,
    (customerId) =>
      inTransaction(client, async (session) => {
        const stored = await customers.moneyOf(customerId, session);
        if (!stored) return [];
        const counted = countLedger(await ledger.sumsByDayAndKind(customerId, session));
        return totalsDifferencesOf(stored, await days.allOf(customerId, session), counted);
      }),
    {
      onResult: (found) => {
        differences += found.length;
        for (const difference of found) report.onDifference(difference);
      },
      onProgress: report.onProgress,
    },
  );
  return { customers: checked, differences };
}
