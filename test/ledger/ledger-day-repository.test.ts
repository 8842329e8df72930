import { describe, expect, it } from "vitest";
import { thirtyDaysFrom } from "../../src/ledger/ledger-day.js";
import { sumTotals } from "../../src/money/money-totals.js";
import { repositoriesForThisFile } from "../support/repositories.js";

const repositories = await repositoriesForThisFile();
const { ledgerDays } = repositories;
const dayMs = 24 * 3600 * 1000;
const now = new Date("2026-03-04T12:00:00.000Z");
const today = new Date("2026-03-04T00:00:00.000Z");

describe("LedgerDayRepository", () => {
  it("keeps one bucket per customer and day, adding each change to its kind", async () => {
    await repositories.transaction(async (session) => {
      await ledgerDays.add("CUS-AAAAAAAA", today, "refilled", 500, session);
      await ledgerDays.add("CUS-AAAAAAAA", today, "refilled", 250, session);
      await ledgerDays.add("CUS-AAAAAAAA", today, "returned", 40, session);
      await ledgerDays.add("CUS-BBBBBBBB", today, "deducted", 9, session);
    });
    expect(await ledgerDays.allOf("CUS-AAAAAAAA")).toEqual([
      { day: today, totals: { refilled: 750, deducted: 0, granted: 0, returned: 40 } },
    ]);
  });

  it("the last 30 days are at most 31 buckets, newest first, whatever the customer's history", async () => {
    const customerId = "CUS-CCCCCCCC";
    await repositories.transaction(async (session) => {
      for (let i = 0; i < 45; i += 1)
        await ledgerDays.add(
          customerId,
          new Date(today.getTime() - i * dayMs),
          "granted",
          1,
          session,
        );
    });

    const window = await ledgerDays.since(customerId, thirtyDaysFrom(now));

    expect(window).toHaveLength(31);
    expect(window[0]?.day).toEqual(today);
    expect(window.at(-1)?.day).toEqual(thirtyDaysFrom(now));
    expect(sumTotals(window.map((day) => day.totals)).granted).toBe(31);
  });

  it("a recount replaces every bucket of the customer, and only theirs", async () => {
    await repositories.transaction((session) =>
      ledgerDays.replaceAll(
        "CUS-AAAAAAAA",
        [{ day: today, totals: { refilled: 1, deducted: 2, granted: 3, returned: 4 } }],
        session,
      ),
    );
    expect(await ledgerDays.allOf("CUS-AAAAAAAA")).toEqual([
      { day: today, totals: { refilled: 1, deducted: 2, granted: 3, returned: 4 } },
    ]);
    expect(await ledgerDays.allOf("CUS-BBBBBBBB")).toHaveLength(1);
  });
});
