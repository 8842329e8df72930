import type { PeriodSums } from "../db/sums-since.js";
import type { LedgerEntry, LedgerKind } from "../ledger/ledger-entry.js";
import type { LedgerRepository } from "../ledger/ledger-repository.js";
import type { BillingRecordRepository } from "./billing-record-repository.js";
import type { UsageCharge } from "./usage-charge.js";

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
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly billingRecords: BillingRecordRepository,
    private readonly now: () => Date,
  ) {}

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

  private async ledgerTotals(
    customerId: string,
    since: Date,
  ): Promise<Pick<BillingDetails, "last30Days" | "allTime">> {
    const byKind = Object.entries(await this.ledger.totalsByKind(customerId, since));
    const totals = (period: keyof PeriodSums) =>
      moneyTotals(Object.fromEntries(byKind.map(([kind, sums]) => [kind, sums[period]])));
    return { last30Days: totals("sinceThen"), allTime: totals("allTime") };
  }

  private async usage(customerId: string, since: Date): Promise<UsageSummary | null> {
    const [recent, sums] = await Promise.all([
      this.billingRecords.latestCharges(customerId, recentUsageCount),
      this.billingRecords.chargeSums(customerId, since),
    ]);
    if (!sums) return null;
    return { recent, last30Days: sums.sinceThen, allTime: sums.allTime };
  }
}
