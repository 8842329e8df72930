import type { CustomerMoney } from "../customers/customer-repository.js";
import { type MoneyTotals, moneyTotalsFields, noMoneyMoved } from "../money/money-totals.js";
import type { countLedger, LedgerDay } from "./ledger-day.js";

/** One figure a customer's stored money disagrees with their ledger on; `stored` null: never counted. */
export interface TotalsDifference {
  customerId: string;
  /** `balance`, `credits`, `totals.deducted`, `ledger_days 2026-05-04 refilled`, … */
  what: string;
  stored: number | null;
  ledger: number;
}

function totalsDifferences(
  what: string,
  stored: MoneyTotals | null,
  counted: MoneyTotals,
): { what: string; stored: number | null; ledger: number }[] {
  return moneyTotalsFields
    .filter((field) => stored?.[field] !== counted[field])
    .map((field) => ({
      what: `${what}${field}`,
      stored: stored?.[field] ?? null,
      ledger: counted[field],
    }));
}

/** Where a customer's stored balance, credits, totals and day buckets differ from what their ledger says. */
export function totalsDifferencesOf(
  stored: CustomerMoney,
  storedDays: LedgerDay[],
  counted: ReturnType<typeof countLedger>,
): TotalsDifference[] {
  const found = [
    ...(stored.balance === counted.balance
      ? []
      : [{ what: "balance", stored: stored.balance, ledger: counted.balance }]),
    ...(stored.credits === counted.credits
      ? []
      : [{ what: "credits", stored: stored.credits, ledger: counted.credits }]),
    ...totalsDifferences("totals.", stored.totals, counted.totals),
  ];
  const byDay = new Map<number, { stored: MoneyTotals; counted: MoneyTotals }>();
  const dayOf = (day: Date) => {
    const key = day.getTime();
    const pair = byDay.get(key) ?? { stored: noMoneyMoved, counted: noMoneyMoved };
    byDay.set(key, pair);
    return pair;
  };
  for (const { day, totals } of storedDays) dayOf(day).stored = totals;
  for (const { day, totals } of counted.days) dayOf(day).counted = totals;
  for (const [day, pair] of [...byDay.entries()].sort(([a], [b]) => b - a)) {
    const label = `ledger_days ${new Date(day).toISOString().slice(0, 10)} `;
    found.push(...totalsDifferences(label, pair.stored, pair.counted));
  }
  return found.map((difference) => ({ customerId: stored.customerId, ...difference }));
}
