import { describe, expect, it } from "vitest";
import { countLedger, thirtyDaysFrom, utcDay } from "../../src/ledger/ledger-day.js";
import { sumTotals, totalsFieldOf, totalsIncrement } from "../../src/money/money-totals.js";

const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

describe("day buckets", () => {
  it("a change belongs to the UTC day it happened on, whatever the time", () => {
    expect(utcDay(new Date("2026-05-04T23:59:59.999Z"))).toEqual(day("2026-05-04"));
    expect(utcDay(new Date("2026-05-05T00:00:00.000Z"))).toEqual(day("2026-05-05"));
  });

  it("the last 30 days start at 00:00 UTC of the day 30 days ago: at most 31 buckets", () => {
    expect(thirtyDaysFrom(new Date("2026-03-04T12:00:00.000Z"))).toEqual(day("2026-02-02"));
    expect(thirtyDaysFrom(new Date("2026-03-04T00:00:00.000Z"))).toEqual(day("2026-02-02"));
  });
});

describe("counting a ledger", () => {
  it("gives each day's money moved (deductions and returns as positive sizes), the lifetime totals, balance and credits", () => {
    const counted = countLedger([
      { day: day("2026-05-04"), kind: "balance.refill", amount: 1_000 },
      { day: day("2026-05-04"), kind: "balance.deduct", amount: -300 },
      { day: day("2026-05-06"), kind: "credits.grant", amount: 700 },
      { day: day("2026-05-06"), kind: "credits.return", amount: -200 },
      { day: day("2026-05-06"), kind: "balance.deduct", amount: -100 },
    ]);
    expect(counted).toEqual({
      days: [
        {
          day: day("2026-05-06"),
          totals: { refilled: 0, deducted: 100, granted: 700, returned: 200 },
        },
        {
          day: day("2026-05-04"),
          totals: { refilled: 1_000, deducted: 300, granted: 0, returned: 0 },
        },
      ],
      totals: { refilled: 1_000, deducted: 400, granted: 700, returned: 200 },
      balance: 600,
      credits: 500,
    });
  });

  it("of no entries is all zeros", () => {
    expect(countLedger([])).toEqual({
      days: [],
      totals: sumTotals([]),
      balance: 0,
      credits: 0,
    });
  });
});

describe("which total a money change adds to", () => {
  it.each([
    ["balance", 500, "refilled"],
    ["balance", -500, "deducted"],
    ["credits", 500, "granted"],
    ["credits", -500, "returned"],
  ] as const)("%s by %i: %s", (field, delta, total) => {
    expect(totalsFieldOf(field, delta)).toBe(total);
    expect(totalsIncrement("totals", field, delta)).toEqual({ [`totals.${total}`]: 500 });
  });
});
