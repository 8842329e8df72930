import {
  type MoneyTotals,
  type MoneyTotalsField,
  noMoneyMoved,
  sumTotals,
} from "../money/money-totals.js";
import { isBalanceKind, type LedgerKind } from "./ledger-entry.js";

const dayMs = 24 * 3600 * 1000;

/** One customer's money moved on one UTC day (`day` is its 00:00 UTC). */
export interface LedgerDay {
  day: Date;
  totals: MoneyTotals;
}

/** The sum of a customer's entries of one kind on one UTC day, as the ledger aggregation gives it. */
export interface DayKindSum {
  day: Date;
  kind: LedgerKind;
  amount: number;
}

export const totalsFieldOfKind: Record<LedgerKind, MoneyTotalsField> = {
  "balance.refill": "refilled",
  "balance.deduct": "deducted",
  "credits.grant": "granted",
  "credits.return": "returned",
};

/** 00:00 UTC of the day `at` falls on. */
export function utcDay(at: Date): Date {
  return new Date(Math.floor(at.getTime() / dayMs) * dayMs);
}

/**
 * The first day of "the last 30 days" at `now`: the UTC day 30 days ago, counted whole, so the
 * window is at most 31 day buckets and covers at least the last 30 × 24 hours.
 */
export function thirtyDaysFrom(now: Date): Date {
  return utcDay(new Date(now.getTime() - 30 * dayMs));
}

/** The day buckets and lifetime totals a ledger holds, from its per-day, per-kind sums. */
export function countLedger(sums: DayKindSum[]): {
  days: LedgerDay[];
  totals: MoneyTotals;
  balance: number;
  credits: number;
} {
  const byDay = new Map<number, MoneyTotals>();
  let balance = 0;
  let credits = 0;
  for (const { day, kind, amount } of sums) {
    const key = utcDay(day).getTime();
    const totals = byDay.get(key) ?? { ...noMoneyMoved };
    totals[totalsFieldOfKind[kind]] += Math.abs(amount);
    byDay.set(key, totals);
    if (isBalanceKind(kind)) balance += amount;
    else credits += amount;
  }
  const days = [...byDay.entries()]
    .sort(([a], [b]) => b - a)
    .map(([day, totals]) => ({ day: new Date(day), totals }));
  return { days, totals: sumTotals(days.map((day) => day.totals)), balance, credits };
}
