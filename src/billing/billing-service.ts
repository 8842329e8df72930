import type { CustomerRepository } from "../customers/customer-repository.js";
import type { KeysetPage, PageCursor } from "../db/keyset-page.js";
import { countLedger, thirtyDaysFrom } from "../ledger/ledger-day.js";
import type { LedgerDayRepository } from "../ledger/ledger-day-repository.js";
import type { StoredLedgerEntry } from "../ledger/ledger-entry.js";
import type { LedgerRepository } from "../ledger/ledger-repository.js";
import { type MoneyTotals, sumTotals } from "../money/money-totals.js";
import type { BillingRecordRepository } from "./billing-record-repository.js";
import type { UsageCharge } from "./usage-charge.js";

export const billingPageSize = 10;
export const recentUsageCount = 5;
/** Usage sums read at most this many of a customer's latest charges (and say so beyond). */
export const usageSumCap = 10_000;

export interface UsageSummary {
  /** The latest charges, newest first. */
  recent: UsageCharge[];
  last30Days: number;
  allTime: number;
  /** False when the customer has more than `usageSumCap` charges: the sums are then lower bounds. */
  complete: boolean;
}

export interface BillingDetails {
  last30Days: MoneyTotals;
  allTime: MoneyTotals;
  /**
   * False for a customer whose totals were never counted and whose ledger is longer than
   * `uncountedEntriesCap`: the totals are then lower bounds, until `npm run reindex` counts them.
   */
  complete: boolean;
  /** One page of the ledger, newest first, with the anchors of the pages either side. */
  entries: KeysetPage<StoredLedgerEntry>;
  /** One-based, for the label only (carried by the page buttons). */
  page: number;
  /** Null when the platform has written no usage charges for the customer. */
  usage: UsageSummary | null;
}

/** Which page of billing details: the first (no cursor), or older/newer than an entry shown. */
export interface BillingPageRequest {
  cursor: (PageCursor & { page: number }) | null;
}

/**
 * A customer's money history (the ledger) and the platform's usage charges, for billing details.
 * Reads the customer's stored totals, at most 31 day buckets, one ledger page and one usage page
 * and sum: nothing grows with the size of the ledger — once the customer's totals have been
 * counted (the money writer keeps them from then on; `npm run reindex` counts them all).
 */
/** The most entries billing details sums for a customer whose totals were never counted. */
export const uncountedEntriesCap = 10_000;

export class BillingService {
  constructor(
    private readonly customers: CustomerRepository,
    private readonly ledger: LedgerRepository,
    private readonly days: LedgerDayRepository,
    private readonly billingRecords: BillingRecordRepository,
    private readonly now: () => Date,
  ) {}

  /** Null when the request's cursor is not an entry of this customer's (forged or damaged). */
  async details(customerId: string, request: BillingPageRequest): Promise<BillingDetails | null> {
    const now = this.now();
    const firstDay = thirtyDaysFrom(now);
    const { cursor } = request;
    const [money, recentDays, entries, usage] = await Promise.all([
      this.customers.moneyOf(customerId),
      this.days.since(customerId, firstDay),
      this.ledger.page(customerId, cursor, billingPageSize),
      this.usage(customerId, firstDay),
    ]);
    if (!entries) return null;
    let allTime = money?.totals ?? null;
    let days = recentDays;
    let counted = true;
    if (money && !allTime) {
      // Never counted (written by the console, or before totals existed) until `npm run reindex`
      // counts it: summed here from the latest entries, not stored — a view changes nothing, and
      // reads a bounded number of entries however long the ledger.
      const latest = await this.ledger.latestSumsByDayAndKind(customerId, uncountedEntriesCap);
      const sums = countLedger(latest.sums);
      allTime = sums.totals;
      days = sums.days.filter((day) => day.day >= firstDay);
      counted = latest.complete;
    }
    return {
      allTime: allTime ?? sumTotals([]),
      complete: counted,
      last30Days: sumTotals(days.map((day) => day.totals)),
      entries,
      page: cursor && entries.newer ? cursor.page : 1,
      usage,
    };
  }

  private async usage(customerId: string, since: Date): Promise<UsageSummary | null> {
    const [recent, sums] = await Promise.all([
      this.billingRecords.latestCharges(customerId, recentUsageCount),
      this.billingRecords.chargeSums(customerId, since, usageSumCap),
    ]);
    if (!sums) return null;
    return { recent, last30Days: sums.sinceThen, allTime: sums.allTime, complete: sums.complete };
  }
}
