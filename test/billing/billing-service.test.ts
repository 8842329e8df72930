import type { Db, Document } from "mongodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BillingRecordRepository } from "../../src/billing/billing-record-repository.js";
import { BillingService } from "../../src/billing/billing-service.js";
import { collections } from "../../src/db/collections.js";
import type { LedgerEntry, LedgerKind } from "../../src/ledger/ledger-entry.js";
import { LedgerRepository } from "../../src/ledger/ledger-repository.js";
import { aCustomer } from "../support/customer-fixtures.js";
import { openTestDatabase } from "../support/mongo/test-database.js";

type TestDatabase = Awaited<ReturnType<typeof openTestDatabase>>;

const now = new Date("2026-03-04T12:00:00.000Z");
const daysAgo = (days: number, minutes = 0) =>
  new Date(now.getTime() - days * 24 * 3600 * 1000 - minutes * 60_000);

let database: TestDatabase;
let db: Db;
let billing: BillingService;
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

beforeAll(async () => {
  database = await openTestDatabase();
  db = database.db;
  billing = new BillingService(
    new LedgerRepository(db),
    new BillingRecordRepository(db),
    () => now,
  );
});
afterAll(async () => {
  await database.drop();
});
beforeEach(async () => {
  await db.collection(collections.ledgerEntries).deleteMany({});
  await db.collection(collections.billingRecords).deleteMany({});
});

describe("billing totals", () => {
  it("counts the last 30 days apart from all time, deductions and returns shown positive", async () => {
    const { customerId } = aCustomer();
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

    const details = await billing.details(customerId, 0);

    expect(details.last30Days).toEqual({
      refilled: 10_000,
      deducted: 3_000,
      creditsGranted: 500,
      creditsReturned: 1_000,
    });
    expect(details.allTime).toEqual({
      refilled: 15_000,
      deducted: 5_000,
      creditsGranted: 7_500,
      creditsReturned: 1_000,
    });
    expect(details.total).toBe(7);
  });

  it("is all zeros, on one empty page, for a customer with no history", async () => {
    const details = await billing.details(aCustomer().customerId, 0);
    const zero = { refilled: 0, deducted: 0, creditsGranted: 0, creditsReturned: 0 };
    expect(details).toMatchObject({ last30Days: zero, allTime: zero, entries: [], total: 0 });
    expect(details).toMatchObject({ page: 0, pageCount: 1, usage: null });
  });
});

describe("billing history pages", () => {
  const { customerId } = aCustomer();
  const reasons = (entries: LedgerEntry[]) => entries.map((entry) => entry.reason);

  beforeEach(async () => {
    // Inserted oldest first; change 23 is the newest.
    await insertEntries(
      Array.from({ length: 23 }, (_, i) =>
        anEntry(customerId, "balance.refill", 100, daysAgo(0, 23 - i), `change ${i + 1}`),
      ),
    );
  });

  it("shows 10 per page, newest first, and the last page holds the oldest", async () => {
    const first = await billing.details(customerId, 0);
    expect(first).toMatchObject({ total: 23, page: 0, pageCount: 3 });
    expect(reasons(first.entries)).toEqual(
      Array.from({ length: 10 }, (_, i) => `change ${23 - i}`),
    );
    const second = await billing.details(customerId, 1);
    expect(reasons(second.entries)[0]).toBe("change 13");
    const last = await billing.details(customerId, 2);
    expect(reasons(last.entries)).toEqual(["change 3", "change 2", "change 1"]);
  });

  it("a page past the end shows the last page", async () => {
    const beyond = await billing.details(customerId, 40);
    expect(beyond.page).toBe(2);
    expect(reasons(beyond.entries)).toEqual(["change 3", "change 2", "change 1"]);
  });
});

describe("usage charges", () => {
  it("are absent when the platform wrote none for the customer", async () => {
    const { customerId } = aCustomer();
    await insertBillingRecords([
      { customerId: aCustomer().customerId, at: daysAgo(1), amount: 500 },
    ]);
    expect((await billing.details(customerId, 0)).usage).toBeNull();
  });

  it("show the latest 5, newest first, with 30-day and all-time totals", async () => {
    const { customerId } = aCustomer();
    await insertBillingRecords([
      { customerId, at: daysAgo(1), amount: 100, description: "Compute, 1 hour" },
      { customerId, at: daysAgo(2), amount: 200 },
      { customerId, at: daysAgo(3), amount: 300, description: "Storage" },
      { customerId, at: daysAgo(4), amount: 400 },
      { customerId, at: daysAgo(5), amount: 500 },
      { customerId, at: daysAgo(45), amount: 10_000, description: "Old usage" },
    ]);

    const usage = (await billing.details(customerId, 0)).usage;

    expect(usage?.last30Days).toBe(1_500);
    expect(usage?.allTime).toBe(11_500);
    expect(usage?.recent.map((charge) => charge.amount)).toEqual([100, 200, 300, 400, 500]);
    expect(usage?.recent[0]).toEqual({
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

    const usage = (await billing.details(customerId, 0)).usage;

    expect(usage).toEqual({
      recent: [{ at: daysAgo(2), amount: 250, description: null }],
      last30Days: 250,
      allTime: 250,
    });
  });

  it("are absent when every record the customer has is malformed", async () => {
    const { customerId } = aCustomer();
    await insertBillingRecords([{ customerId, at: "today", amount: "lots" }]);
    expect((await billing.details(customerId, 0)).usage).toBeNull();
  });
});
