import type { Collection, Db, Document, Filter } from "mongodb";
import { z } from "zod";
import { collections } from "../db/collections.js";
import type { LedgerEntry, LedgerKind } from "../ledger/ledger-entry.js";
import type { LedgerRepository } from "../ledger/ledger-repository.js";

export const billingPageSize = 10;
export const recentUsageCount = 5;
const thirtyDaysMs = 30 * 24 * 3600 * 1000;

/** Money moved in a period, in minor units; deductions and returns are shown positive. */
export interface MoneyTotals {
  refilled: number;
  deducted: number;
  creditsGranted: number;
  creditsReturned: number;
}

export interface UsageCharge {
  at: Date;
  amount: number;
  description: string | null;
}

export interface UsageSummary {
  /** The latest charges, newest first. */
  recent: UsageCharge[];
  last30Days: number;
  allTime: number;
}

export interface BillingDetails {
  last30Days: MoneyTotals;
  allTime: MoneyTotals;
  /** One page of the ledger, newest first. */
  entries: LedgerEntry[];
  total: number;
  /** Zero-based. */
  page: number;
  pageCount: number;
  /** Null when the platform has written no usage charges for the customer. */
  usage: UsageSummary | null;
}

/** A billing record as the platform writes it; a description of another type is dropped, not fatal. */
const usageChargeSchema = z.object({
  at: z.date(),
  amount: z.number().int().min(0),
  description: z
    .string()
    .nullish()
    .catch(null)
    .transform((value) => value || null),
});

/**
 * The database-side twin of `usageChargeSchema`, so the totals count exactly the charges a list
 * would show. `$cond` keeps `$trunc` away from non-numbers (a `$match` does not order its clauses).
 */
function wellFormedCharges(customerId: string): Filter<Document> {
  return {
    customerId: { $eq: customerId },
    at: { $type: "date" },
    amount: { $type: ["int", "long", "double"], $gte: 0 },
    $expr: {
      $cond: [{ $isNumber: "$amount" }, { $eq: ["$amount", { $trunc: ["$amount", 0] }] }, false],
    },
  };
}

/** Sums `$amount` of everything, and of what happened since `since`. */
function sumsSince(since: Date) {
  return {
    allTime: { $sum: "$amount" },
    last30Days: { $sum: { $cond: [{ $gte: ["$at", since] }, "$amount", 0] } },
  };
}

type Sums = { allTime: number; last30Days: number };

function moneyTotals(sums: Partial<Record<LedgerKind, number>>): MoneyTotals {
  return {
    refilled: sums["balance.refill"] ?? 0,
    deducted: Math.abs(sums["balance.deduct"] ?? 0),
    creditsGranted: sums["credits.grant"] ?? 0,
    creditsReturned: Math.abs(sums["credits.return"] ?? 0),
  };
}

/** A customer's money history (the ledger) and the platform's usage charges, for billing details. */
export class BillingService {
  private readonly billingRecords: Collection;

  constructor(
    private readonly ledger: LedgerRepository,
    db: Db,
    private readonly now: () => Date,
  ) {
    this.billingRecords = db.collection(collections.billingRecords);
  }

  async details(customerId: string, page: number): Promise<BillingDetails> {
    const since = new Date(this.now().getTime() - thirtyDaysMs);
    const [ledgerPage, totals, usage] = await Promise.all([
      this.ledger.page(customerId, page * billingPageSize, billingPageSize),
      this.ledgerTotals(customerId, since),
      this.usage(customerId, since),
    ]);
    const pageCount = Math.max(1, Math.ceil(ledgerPage.total / billingPageSize));
    // Only a forged or very old button asks past the end: show the last page instead of nothing.
    const lastPage = pageCount - 1;
    const { entries, total } =
      page > lastPage
        ? await this.ledger.page(customerId, lastPage * billingPageSize, billingPageSize)
        : ledgerPage;
    return { ...totals, entries, total, page: Math.min(page, lastPage), pageCount, usage };
  }

  /** Both periods' totals per kind in one aggregation. */
  private async ledgerTotals(
    customerId: string,
    since: Date,
  ): Promise<Pick<BillingDetails, "last30Days" | "allTime">> {
    const rows = await this.ledger.collection
      .aggregate<Sums & { _id: LedgerKind }>([
        { $match: { customerId: { $eq: customerId } } },
        { $group: { _id: "$kind", ...sumsSince(since) } },
      ])
      .toArray();
    const byKind = (period: keyof Sums) =>
      moneyTotals(Object.fromEntries(rows.map((row) => [row._id, row[period]])));
    return { last30Days: byKind("last30Days"), allTime: byKind("allTime") };
  }

  private async usage(customerId: string, since: Date): Promise<UsageSummary | null> {
    const filter = wellFormedCharges(customerId);
    const [documents, [sums]] = await Promise.all([
      this.billingRecords
        .find(filter, {
          sort: { at: -1, _id: -1 },
          limit: recentUsageCount,
          projection: { _id: 0, at: 1, amount: 1, description: 1 },
        })
        .toArray(),
      this.billingRecords
        .aggregate<Sums>([{ $match: filter }, { $group: { _id: null, ...sumsSince(since) } }])
        .toArray(),
    ]);
    if (!sums) return null;
    const recent = documents.flatMap((document) => {
      const parsed = usageChargeSchema.safeParse(document);
      return parsed.success ? [parsed.data] : [];
    });
    return { recent, last30Days: sums.last30Days, allTime: sums.allTime };
  }
}
