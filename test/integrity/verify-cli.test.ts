import { describe, expect, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { changeContext } from "../ledger/change-context.js";
import { moneyServices, repositoriesForThisFile, storedCustomer } from "../support/repositories.js";
import { runCliTool } from "../support/run-cli.js";

const at = new Date("2026-05-04T09:30:00.000Z");
const repositories = await repositoriesForThisFile();
const { db } = repositories;
const { writer } = moneyServices(repositories, () => at);

/** `npm run verify` as an operator runs it, on this file's database. */
const runVerify = (args: string[] = []) => runCliTool("verify", args, db.databaseName);

describe("npm run verify", () => {
  it("answers --help with the usage (exit 0) and a bad option with it too (exit 2)", async () => {
    const help = await runVerify(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: npm run verify");
    const bad = await runVerify(["--chain-everything"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--chain-everything'");
    expect(bad.stderr).toContain("Usage: npm run verify");
  });

  it("exits 0 on intact chains with a summary; after edits in MongoDB exits 1 naming each broken entry and event", async () => {
    const customers = [await storedCustomer(repositories), await storedCustomer(repositories)];
    for (const { customerId } of customers)
      for (const delta of [500, -200, 300])
        await repositories.transaction((session) =>
          writer.addToBalance(session, customerId, delta, changeContext(at)),
        );

    const intact = await runVerify();
    expect(intact.stderr).toMatch(/2 rows · [\d,]+ rows\/s · 100% .*customers/);
    expect(intact.stdout).toBe(
      "Checked 2 customers (6 chained entries) and 6 chained audit events: chains intact, sums match\n2 customers' lifetime totals were never counted (npm run reindex counts them); their balance and credits were checked.\n",
    );
    expect(intact.code).toBe(0);

    const [first] = customers;
    const entry = await db
      .collection(collections.ledgerEntries)
      .findOne({ customerId: first?.customerId, seq: 3 });
    await db
      .collection(collections.ledgerEntries)
      .updateOne({ _id: entry?._id }, { $set: { reason: "changed later" } });
    const event = await db.collection(collections.auditEvents).findOne({ seq: 2 });
    await db
      .collection(collections.auditEvents)
      .updateOne({ _id: event?._id }, { $set: { "after.balance": 1 } });

    const broken = await runVerify();
    expect(broken.code).toBe(1);
    expect(broken.stdout.split("\n")).toEqual([
      `ledger\t${first?.customerId}\tseq 3\t${entry?._id.toHexString()}\t2026-05-04T09:30:00.000Z\thash mismatch — the stored entry was changed`,
      `audit\t-\tseq 2\t${event?._id.toHexString()}\t2026-05-04T09:30:00.000Z\thash mismatch — the stored event was changed`,
      "Checked 2 customers (6 chained entries) and 6 chained audit events: problems found: 1 in the ledgers of 1 customers, 1 in the audit chain",
      "2 customers' lifetime totals were never counted (npm run reindex counts them); their balance and credits were checked.",
      "",
    ]);
  });
});
