/**
 * The heavy customer of `--scale` (issue 15): one seeded customer given a long ledger, written
 * directly in batches with the documents MoneyWriter writes (balance refills, `after` = the running
 * balance), its balance set to the ledger's sum, and its lifetime totals and day buckets counted
 * from the ledger by the app's own recount (TotalsBackfill, as `npm run reindex` does).
 */
import { performance } from "node:perf_hooks";
import { ObjectId } from "mongodb";
import { billingPageSize } from "../../src/billing/billing-service.js";
import { CustomerRepository } from "../../src/customers/customer-repository.js";
import { collections } from "../../src/db/collections.js";
import type { Database } from "../../src/db/mongo.js";
import { TotalsBackfill } from "../../src/ledger/backfill-totals.js";
import { LedgerDayRepository } from "../../src/ledger/ledger-day-repository.js";
import type { LedgerEntry } from "../../src/ledger/ledger-entry.js";
import { LedgerRepository } from "../../src/ledger/ledger-repository.js";

const batchSize = 1000;
/** The entries are spread evenly over this many days before now (so 30 of them have buckets). */
const spanDays = 90;
const dayMs = 86_400_000;

/** A Next button's position deep in the ledger: the entry the page after it starts below. */
export interface DeepAnchor {
  at: Date;
  id: string;
  /** The page number that page shows. */
  page: number;
}

export interface HeavyCustomer {
  customerId: string;
  account: string;
  entries: number;
  /** Newest first, the entry that ends page `deep.page - 1`. */
  deep: DeepAnchor;
  ms: { ledger: number; totals: number };
}

type StoredEntry = LedgerEntry & { _id: ObjectId };

/** Entry `index` (0 = oldest) of `total`: a refill of 1.00–9.99 at an even spacing up to now. */
function entryAt(
  customerId: string,
  index: number,
  total: number,
  balance: number,
  now: number,
): StoredEntry {
  const amount = 100 + ((index * 37) % 900);
  const step = (spanDays * dayMs) / total;
  return {
    _id: new ObjectId(),
    customerId,
    kind: "balance.refill",
    amount,
    after: balance + amount,
    currency: "USD",
    actorId: "UBENCHSUP1",
    approvedBy: null,
    approvalId: null,
    reason: "benchmark ledger",
    idempotencyKey: `bench-heavy-${customerId}-${index}`,
    at: new Date(now - Math.round((total - index) * step)),
  };
}

/** Where Next leads about half-way down the ledger: the anchor closing page `page - 1`. */
function deepPosition(entries: number): { newestFirstIndex: number; page: number } {
  const pagesBefore = Math.max(1, Math.floor(entries / 2 / billingPageSize));
  return { newestFirstIndex: pagesBefore * billingPageSize - 1, page: pagesBefore + 1 };
}

async function insertLedger(
  database: Database,
  customerId: string,
  entries: number,
): Promise<{ balance: number; deep: DeepAnchor }> {
  const collection = database.db.collection<StoredEntry>(collections.ledgerEntries);
  const now = Date.now();
  const { newestFirstIndex, page } = deepPosition(entries);
  const deepIndex = entries - 1 - newestFirstIndex;
  let balance = 0;
  let deep: DeepAnchor | undefined;
  for (let start = 0; start < entries; start += batchSize) {
    const batch: StoredEntry[] = [];
    for (let index = start; index < Math.min(entries, start + batchSize); index += 1) {
      const entry = entryAt(customerId, index, entries, balance, now);
      balance = entry.after;
      if (index === deepIndex) deep = { at: entry.at, id: entry._id.toHexString(), page };
      batch.push(entry);
    }
    await collection.insertMany(batch, { ordered: false });
    if (process.stderr.isTTY)
      process.stderr.write(
        `\r  ledger ${Math.min(entries, start + batchSize).toLocaleString("en-US")}/${entries.toLocaleString("en-US")} entries`,
      );
  }
  if (process.stderr.isTTY) process.stderr.write("\n");
  if (!deep) throw new Error(`no deep page in a ledger of ${entries} entries`);
  return { balance, deep };
}

/** Gives `customer` a ledger of `entries` refills, its balance their sum, its totals counted. */
export async function seedHeavyCustomer(
  database: Database,
  customer: { customerId: string; account: string },
  entries: number,
): Promise<HeavyCustomer> {
  if (entries < 2 * billingPageSize)
    throw new Error(`--entries must be at least ${2 * billingPageSize} (got ${entries})`);
  const started = performance.now();
  const { balance, deep } = await insertLedger(database, customer.customerId, entries);
  await database.db
    .collection(collections.customers)
    .updateOne({ customerId: customer.customerId }, { $set: { balance } });
  const ledgerMs = performance.now() - started;
  const counted = await new TotalsBackfill(
    database.client,
    new CustomerRepository(database.db),
    new LedgerRepository(database.db),
    new LedgerDayRepository(database.db),
    () => new Date(),
  ).customer(customer.customerId);
  if (!counted) throw new Error(`the heavy customer ${customer.customerId} is gone`);
  return {
    ...customer,
    entries,
    deep,
    ms: { ledger: ledgerMs, totals: performance.now() - started - ledgerMs },
  };
}
