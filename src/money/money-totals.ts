import { z } from "zod";

/**
 * Money moved, in integer minor units, every figure positive: refills, deductions, credits granted
 * and credits returned. Kept lifetime on each customer (`totals`) and per UTC day (`ledger_days`).
 */
export interface MoneyTotals {
  refilled: number;
  deducted: number;
  granted: number;
  returned: number;
}

export const moneyTotalsFields = ["refilled", "deducted", "granted", "returned"] as const;
export type MoneyTotalsField = (typeof moneyTotalsFields)[number];

const minorUnits = z.number().int().min(0);
export const moneyTotalsSchema = z.object({
  refilled: minorUnits,
  deducted: minorUnits,
  granted: minorUnits,
  returned: minorUnits,
}) satisfies z.ZodType<MoneyTotals>;

export const noMoneyMoved: MoneyTotals = { refilled: 0, deducted: 0, granted: 0, returned: 0 };

/** Which figure a change of the balance or the credits by `delta` (signed) adds its size to. */
export function totalsFieldOf(field: "balance" | "credits", delta: number): MoneyTotalsField {
  if (field === "balance") return delta > 0 ? "refilled" : "deducted";
  return delta > 0 ? "granted" : "returned";
}

/** The `$inc` that adds a change of `field` by `delta` to the totals stored at `path`. */
export function totalsIncrement(
  path: string,
  field: "balance" | "credits",
  delta: number,
): Record<string, number> {
  return { [`${path}.${totalsFieldOf(field, delta)}`]: Math.abs(delta) };
}

export function addTotals(a: MoneyTotals, b: MoneyTotals): MoneyTotals {
  return {
    refilled: a.refilled + b.refilled,
    deducted: a.deducted + b.deducted,
    granted: a.granted + b.granted,
    returned: a.returned + b.returned,
  };
}

export function sumTotals(all: MoneyTotals[]): MoneyTotals {
  return all.reduce(addTotals, noMoneyMoved);
}
