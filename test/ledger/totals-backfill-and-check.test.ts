import { describe, expect, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { backfillTotals } from "../../src/ledger/backfill-totals.js";
import type { TotalsDifference } from "../../src/ledger/totals-differences.js";
import { verifyTotals } from "../../src/ledger/verify-totals.js";
import {
  moneyServices,
  repositoriesForThisFile,
  setPool,
  storedCustomer,
} from "../support/repositories.js";
import { runCliTool } from "../support/run-cli.js";
import { changeContext } from "./change-context.js";

const at = new Date("2026-05-04T09:30:00.000Z");
const repositories = await repositoriesForThisFile();
const { db } = repositories;
const { writer } = moneyServices(repositories, () => at);
const context = () => changeContext(at);

async function check(): Promise<{ differences: TotalsDifference[]; progress: number[] }> {
  const differences: TotalsDifference[] = [];
  const progress: number[] = [];
  await verifyTotals(db, {
    onDifference: (difference) => differences.push(difference),
    onProgress: ({ done }) => progress.push(done),
  });
  return { differences, progress };
}

/** `npm run verify-totals` as an operator runs it, on this file's database. */
function runVerifyTotals() {
  return runCliTool("verify-totals", [], db.databaseName);
}

describe("backfilling totals and checking them against the ledger", () => {
  it("a customer never counted is reported until the backfill counts it; then everything agrees", async () => {
    await setPool(repositories, { total: 10_000, granted: 0 });
    const customer = await storedCustomer(repositories);
    await repositories.transaction(async (session) => {
      await writer.addToBalance(session, customer.customerId, 1_000, context());
      await writer.addToBalance(session, customer.customerId, -250, context());
      await writer.setIfStill(session, "credits", customer.customerId, 0, 700, context());
    });
    const untouched = await storedCustomer(repositories);

    const notCounted = (customerId: string, ledger: number[]) =>
      ["refilled", "deducted", "granted", "returned"].map((field, i) => ({
        customerId,
        what: `totals.${field}`,
        stored: null,
        ledger: ledger[i],
      }));
    expect((await check()).differences).toEqual([
      ...notCounted(customer.customerId, [1_000, 250, 700, 0]),
      ...notCounted(untouched.customerId, [0, 0, 0, 0]),
    ]);

    const progress: number[] = [];
    expect(await backfillTotals(db, ({ done }) => progress.push(done))).toBe(2);
    expect(progress).toEqual([2]);
    expect(await repositories.customers.moneyOf(customer.customerId)).toMatchObject({
      balance: 750,
      credits: 700,
      totals: { refilled: 1_000, deducted: 250, granted: 700, returned: 0 },
    });
    expect(await check()).toEqual({ differences: [], progress: [2] });

    // Counted totals go on being kept by every money write.
    await repositories.transaction((session) =>
      writer.addToBalance(session, customer.customerId, 5, context()),
    );
    expect((await check()).differences).toEqual([]);
  });

  it("finds a ledger entry edited behind the bot's back and a total edited by hand, and `npm run verify-totals` exits 1 listing them", async () => {
    const customer = await storedCustomer(repositories);
    const other = await storedCustomer(repositories);
    await repositories.transaction((session) =>
      writer.addToBalance(session, customer.customerId, 400, context()),
    );
    await backfillTotals(db, () => {});
    await db
      .collection(collections.ledgerEntries)
      .updateOne({ customerId: customer.customerId }, { $set: { amount: 450 } });
    await db
      .collection(collections.customers)
      .updateOne({ customerId: other.customerId }, { $set: { "totals.granted": 3 } });

    expect((await check()).differences).toEqual([
      { customerId: customer.customerId, what: "balance", stored: 400, ledger: 450 },
      { customerId: customer.customerId, what: "totals.refilled", stored: 400, ledger: 450 },
      {
        customerId: customer.customerId,
        what: "ledger_days 2026-05-04 refilled",
        stored: 400,
        ledger: 450,
      },
      { customerId: other.customerId, what: "totals.granted", stored: 3, ledger: 0 },
    ]);

    const run = await runVerifyTotals();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${customer.customerId}\tbalance\tstored 400\tledger 450`);
    expect(run.stdout).toContain(`${other.customerId}\ttotals.granted\tstored 3\tledger 0`);
    expect(run.stdout).toMatch(/differences/);
    expect(run.stderr).toMatch(/\d+ rows · [\d,]+ rows\/s · 100%/);
  });
});

describe("summing a never-counted customer's latest entries (billing details' fallback)", () => {
  it("reads at most the cap and says when there are more", async () => {
    const customer = await storedCustomer(repositories, {});
    for (let step = 0; step < 4; step += 1)
      await repositories.transaction((session) =>
        writer.addToBalance(session, customer.customerId, 100, {
          ...context(),
          idempotencyKey: `latest-${customer.customerId}-${step}`,
        }),
      );

    const all = await repositories.ledger.latestSumsByDayAndKind(customer.customerId, 4);
    expect(all.complete).toBe(true);
    expect(all.sums.reduce((sum, row) => sum + row.amount, 0)).toBe(400);
    const capped = await repositories.ledger.latestSumsByDayAndKind(customer.customerId, 2);
    expect(capped.complete).toBe(false);
    expect(capped.sums.reduce((sum, row) => sum + row.amount, 0)).toBe(300);
    // The whole-ledger recount reads page by page, and pages add up to the same sums.
    const paged = await repositories.ledger.sumsByDayAndKind(customer.customerId, undefined, 3);
    expect(paged).toEqual([
      { day: new Date("2026-05-04T00:00:00.000Z"), kind: "balance.refill", amount: 400 },
    ]);
  });
});
