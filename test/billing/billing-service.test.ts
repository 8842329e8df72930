import type { Document } from "mongodb";
import { beforeEach, describe, expect, it } from "vitest";
import { BillingRecordRepository } from "../../src/billing/billing-record-repository.js";
import {
  type BillingDetails,
  BillingService,
  usageSumCap,
} from "../../src/billing/billing-service.js";
import { collections } from "../../src/db/collections.js";
import { backfillTotals } from "../../src/ledger/backfill-totals.js";
import type { LedgerEntry, LedgerKind } from "../../src/ledger/ledger-entry.js";
import { aCustomer } from "../support/customer-fixtures.js";
import { repositoriesForThisFile, storedCustomer } from "../support/repositories.js";

const now = new Date("2026-03-04T12:00:00.000Z");
const daysAgo = (days: number, minutes = 0) =>
  new Date(now.getTime() - days * 24 * 3600 * 1000 - minutes * 60_000);

const repositories = await repositoriesForThisFile();
const { db, customers, ledger, ledgerDays } = repositories;
const billing = new BillingService(
  customers,
  ledger,
  ledgerDays,
  new BillingRecordRepository(db),
  () => now,
);
let keys = 0;

function anEntry(
  customerId: string,
  kind: LedgerKind,
  amount: number,
  at: Date,
  reason = "test",
): LedgerEntry {
  keys += 1;
  return {
    customerId,
    kind,
    amount,
    after: Math.abs(amount),
    currency: "USD",
    actorId: "U0SUPPORT",
    approvedBy: null,
    approvalId: null,
    reason,
    idempotencyKey: `key-${keys}`,
    at,
  };
}

async function insertEntries(entries: LedgerEntry[]): Promise<void> {
  await db.collection(collections.ledgerEntries).insertMany(entries.map((entry) => ({ ...entry })));
}

async function insertBillingRecords(records: Document[]): Promise<void> {
  await db.collection(collections.billingRecords).insertMany(records);
}

async function details(
  customerId: string,
  cursor: Parameters<BillingService["details"]>[1]["cursor"] = null,
): Promise<BillingDetails> {
  const found = await billing.details(customerId, { cursor });
  if (!found) throw new Error("the cursor was refused");
  return found;
}

/** What Previous (`newer`) or Next (`older`) on `shown` asks for. */
function cursorFrom(shown: BillingDetails, toward: "older" | "newer", page: number) {
  const anchor = shown.entries[toward];
  if (!anchor) throw new Error(`no ${toward} page`);
  return { ...anchor, toward, page };
}

beforeEach(async () => {
  await db.collection(collections.ledgerEntries).deleteMany({});
  await db.collection(collections.billingRecords).deleteMany({});
});

describe("billing totals", () => {
  it("of a customer never counted (console-written) are counted from the ledger for the view, and nothing is stored", async () => {
    const { customerId } = await storedCustomer(repositories);
    const someoneElse = aCustomer().customerId;
    await insertEntries([
      anEntry(customerId, "balance.refill", 10_000, daysAgo(10)),
      anEntry(customerId, "balance.refill", 5_000, daysAgo(40)),
      anEntry(customerId, "balance.deduct", -3_000, daysAgo(10)),
      anEntry(customerId, "balance.deduct", -2_000, daysAgo(40)),
      anEntry(customerId, "credits.grant", 500, daysAgo(10)),
      anEntry(customerId, "credits.grant", 7_000, daysAgo(40)),
      anEntry(customerId, "credits.return", -1_000, daysAgo(10)),
      anEntry(someoneElse, "balance.refill", 99_999, daysAgo(1)),
    ]);

    const shown = await details(customerId);

    expect(shown.last30Days).toEqual({
      refilled: 10_000,
      deducted: 3_000,
      granted: 500,
      returned: 1_000,
    });
    expect(shown.allTime).toEqual({
      refilled: 15_000,
      deducted: 5_000,
      granted: 7_500,
      returned: 1_000,
    });
    expect((await customers.moneyOf(customerId))?.totals).toBeNull();
    expect(await ledgerDays.allOf(customerId)).toEqual([]);
  });

  it("of a counted customer come from the stored totals and buckets, not the ledger", async () => {
    const { customerId } = await storedCustomer(repositories);
    await backfillTotals(db, () => {});
    // An entry written behind the bot's back is not in the stored figures (verify-totals finds it).
    await insertEntries([anEntry(customerId, "balance.refill", 700, daysAgo(1))]);

    const shown = await details(customerId);

    expect(shown.allTime.refilled).toBe(0);
    expect(shown.last30Days.refilled).toBe(0);
    expect(shown.entries.items).toHaveLength(1);
  });

  it("count whole UTC days: the day 30 days ago is in the last 30 days, the day before is not", async () => {
    const { customerId } = await storedCustomer(repositories);
    await insertEntries([
      anEntry(customerId, "balance.refill", 1, new Date("2026-02-02T00:00:00.000Z")),
      anEntry(customerId, "balance.refill", 10, new Date("2026-02-01T23:59:59.999Z")),
    ]);
    expect((await details(customerId)).last30Days.refilled).toBe(1);
  });

  it("are all zeros, on one empty page, for a customer with no history", async () => {
    const { customerId } = await storedCustomer(repositories);
    const zero = { refilled: 0, deducted: 0, granted: 0, returned: 0 };
    expect(await details(customerId)).toEqual({
      last30Days: zero,
      allTime: zero,
      complete: true,
      entries: { items: [], newer: null, older: null },
      page: 1,
      usage: null,
    });
  });
});

describe("billing history pages", () => {
  const { customerId } = aCustomer();
  const reasons = (shown: BillingDetails) => shown.entries.items.map((entry) => entry.reason);
  const change = (n: number) => `change ${n}`;
  const changes = (from: number, to: number) =>
    Array.from({ length: from - to + 1 }, (_, i) => change(from - i));

  beforeEach(async () => {
    // Inserted oldest first; change 23 is the newest. Changes 5–8 share one time: `_id` orders them.
    await insertEntries(
      Array.from({ length: 23 }, (_, i) =>
        anEntry(
          customerId,
          "balance.refill",
          100,
          daysAgo(0, i >= 4 && i < 8 ? 23 - 4 : 23 - i),
          change(i + 1),
        ),
      ),
    );
  });

  it("Next walks 10 per page to the oldest, and Previous walks back through exactly the same pages", async () => {
    const first = await details(customerId);
    expect(reasons(first)).toEqual(changes(23, 14));
    expect(first).toMatchObject({ page: 1, entries: { newer: null } });

    const second = await details(customerId, cursorFrom(first, "older", 2));
    expect(reasons(second)).toEqual(changes(13, 4));
    const third = await details(customerId, cursorFrom(second, "older", 3));
    expect(reasons(third)).toEqual(changes(3, 1));
    expect(third).toMatchObject({ page: 3, entries: { older: null } });

    const back = await details(customerId, cursorFrom(third, "newer", 2));
    expect(reasons(back)).toEqual(changes(13, 4));
    expect(back.page).toBe(2);
    const top = await details(customerId, cursorFrom(back, "newer", 1));
    expect(reasons(top)).toEqual(changes(23, 14));
    expect(top).toMatchObject({ page: 1, entries: { newer: null } });
  });

  it("refuses a cursor that is not one of the customer's entries, or whose time was changed", async () => {
    const first = await details(customerId);
    const anchor = cursorFrom(first, "older", 2);
    const other = await storedCustomer(repositories);
    const refused = [
      billing.details(other.customerId, { cursor: anchor }),
      billing.details(customerId, { cursor: { ...anchor, at: new Date(anchor.at.getTime() + 1) } }),
      billing.details(customerId, { cursor: { ...anchor, id: "0".repeat(24) } }),
    ];
    expect(await Promise.all(refused)).toEqual([null, null, null]);
  });
});

describe("usage charges", () => {
  it("are absent when the platform wrote none for the customer", async () => {
    const { customerId } = aCustomer();
    await insertBillingRecords([
      { customerId: aCustomer().customerId, at: daysAgo(1), amount: 500 },
    ]);
    expect((await details(customerId)).usage).toBeNull();
  });

  it("show the latest 5, newest first (by time, then record ID), with 30-day and all-time totals", async () => {
    const { customerId } = aCustomer();
    await insertBillingRecords([
      { customerId, at: daysAgo(2), amount: 200 },
      { customerId, at: daysAgo(1), amount: 100, description: "Compute, 1 hour" },
      { customerId, at: daysAgo(1), amount: 150, description: "Later record, same time" },
      { customerId, at: daysAgo(3), amount: 300, description: "Storage" },
      { customerId, at: daysAgo(4), amount: 400 },
      { customerId, at: daysAgo(5), amount: 500 },
      { customerId, at: daysAgo(45), amount: 10_000, description: "Old usage" },
    ]);

    const usage = (await details(customerId)).usage;

    expect(usage).toMatchObject({ last30Days: 1_650, allTime: 11_650, complete: true });
    expect(usage?.recent.map((charge) => charge.amount)).toEqual([150, 100, 200, 300, 400]);
    expect(usage?.recent[1]).toEqual({
      at: daysAgo(1),
      amount: 100,
      description: "Compute, 1 hour",
    });
  });

  it("skip malformed records in the list and the totals, and never fail on them", async () => {
    const { customerId } = aCustomer();
    await insertBillingRecords([
      { customerId, at: daysAgo(1), amount: "12.50" },
      { customerId, at: daysAgo(1), amount: 1.5 },
      { customerId, at: daysAgo(1), amount: -300 },
      { customerId, at: "yesterday", amount: 700 },
      { customerId, amount: 800 },
      { customerId, at: daysAgo(1) },
      { customerId, at: daysAgo(2), amount: 250, description: { text: "not a string" } },
    ]);

    const usage = (await details(customerId)).usage;

    expect(usage).toEqual({
      recent: [{ at: daysAgo(2), amount: 250, description: null }],
      last30Days: 250,
      allTime: 250,
      complete: true,
    });
  });

  it("are absent when every record the customer has is malformed", async () => {
    const { customerId } = aCustomer();
    await insertBillingRecords([{ customerId, at: "today", amount: "lots" }]);
    expect((await details(customerId)).usage).toBeNull();
  });

  it(`sum at most the latest ${usageSumCap.toLocaleString("en-US")} charges and say the sums are then incomplete`, async () => {
    const { customerId } = aCustomer();
    await insertBillingRecords(
      Array.from({ length: usageSumCap + 1 }, (_, i) => ({
        customerId,
        at: daysAgo(0, i),
        amount: 1,
      })),
    );
    expect((await details(customerId)).usage).toMatchObject({ complete: false });
  });
});
