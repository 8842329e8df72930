import { afterAll, describe, expect, it } from "vitest";
import { CustomerRepository } from "../../src/customers/customer-repository.js";
import { type ReindexProgress, reindexSearchKeys } from "../../src/customers/search-key-reindex.js";
import { collections } from "../../src/db/collections.js";
import { aCustomer } from "../support/customer-fixtures.js";
import { openTestDatabase } from "../support/mongo/test-database.js";
import { runCliTool } from "../support/run-cli.js";

const database = await openTestDatabase();
afterAll(() => database.drop());
const customers = new CustomerRepository(database.db);
const raw = database.db.collection(collections.customers);

/** Written as the console writes them: no search keys. */
const fromConsole = Array.from({ length: 7 }, (_, i) =>
  aCustomer({ account: `owner${i}@orbital.example`, teamName: `Orbital Works ${i}` }),
);
const accounts = async (text: string) =>
  (await customers.listPage({ text }, "newest", 20)).map((row) => row.customer.account).sort();

describe("reindexSearchKeys", () => {
  it("makes customers written without keys findable by word prefix, batch by batch with progress", async () => {
    await raw.insertMany(fromConsole.map((customer) => ({ ...customer })));
    expect(await accounts("orbit")).toEqual([]);
    expect((await customers.findExact(fromConsole[3]?.account ?? ""))?.customerId).toBe(
      fromConsole[3]?.customerId,
    );

    const progress: ReindexProgress[] = [];
    const rewritten = await reindexSearchKeys(customers, (p) => progress.push(p), 3);

    expect(rewritten).toBe(7);
    expect(progress.map((p) => [p.done, p.total])).toEqual([
      [3, 7],
      [6, 7],
      [7, 7],
    ]);
    expect(await accounts("orbit")).toEqual(fromConsole.map((c) => c.account).sort());
    expect(await accounts("works 4")).toEqual([fromConsole[4]?.account]);
  });

  it("is safe to run again: the same keys, nothing else changed", async () => {
    const before = await raw.find({}, { sort: { _id: 1 } }).toArray();
    expect(await reindexSearchKeys(customers)).toBe(7);
    expect(await raw.find({}, { sort: { _id: 1 } }).toArray()).toEqual(before);
  });
});

describe("npm run reindex", () => {
  it("rebuilds the keys of the configured database, printing progress and a summary", async () => {
    await raw.updateMany({}, { $unset: { searchKeys: "" } });
    const { code, stdout, stderr } = await runCliTool("reindex", [], database.db.databaseName);
    expect(code).toBe(0);
    expect(stdout).toBe(
      "Rebuilt the search keys of 7 customers and counted the totals of 7 from the ledger\n",
    );
    expect(stderr).toMatch(/7 rows · [\d,]+ rows\/s · 100%/);
    expect(await accounts("orbital")).toHaveLength(7);
  });
});
