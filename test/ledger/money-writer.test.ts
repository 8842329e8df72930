import { beforeEach, describe, expect, it } from "vitest";
import type { Customer } from "../../src/customers/customer.js";
import { collections } from "../../src/db/collections.js";
import type { ChangeContext } from "../../src/ledger/money-writer.js";
import {
  manager,
  moneyServices,
  repositoriesForThisFile,
  setPool,
  storedCustomer,
  support,
} from "../support/repositories.js";
import { changeContext } from "./change-context.js";

const at = new Date("2026-05-04T09:30:00.000Z");
const repositories = await repositoriesForThisFile();
const { writer } = moneyServices(repositories, () => at);
const stored = (overrides: Partial<Customer> = {}) => storedCustomer(repositories, overrides);
const context = (overrides: Partial<ChangeContext> = {}) => changeContext(at, overrides);

async function moneyOf(customerId: string) {
  const customer = await repositories.customers.findByCustomerId(customerId);
  const entries = await repositories.db
    .collection(collections.ledgerEntries)
    .find({ customerId }, { projection: { _id: 0, kind: 1, amount: 1, after: 1 } })
    .toArray();
  return { balance: customer?.balance, credits: customer?.credits, entries };
}

/** The customer's `totals` and day buckets as stored (a fixture customer was never counted: no `countedAt`). */
async function countsOf(customerId: string) {
  const customer = await repositories.db
    .collection(collections.customers)
    .findOne({ customerId }, { projection: { _id: 0, totals: 1 } });
  return { totals: customer?.totals, days: await repositories.ledgerDays.allOf(customerId) };
}

const day = new Date("2026-05-04T00:00:00.000Z");
const moved = (
  totals: Partial<Record<"refilled" | "deducted" | "granted" | "returned", number>>,
) => ({
  refilled: 0,
  deducted: 0,
  granted: 0,
  returned: 0,
  ...totals,
});

const poolLeft = async () => (await repositories.pool.find())?.left;

describe("MoneyWriter.addToBalance", () => {
  it("a refill writes the balance, its ledger entry and its audit record together", async () => {
    const customer = await stored({ balance: 1000 });

    const write = await repositories.transaction((session) =>
      writer.addToBalance(session, customer.customerId, 500, context({ reason: "top-up" })),
    );

    expect(write).toEqual({ ok: true, before: 1000, after: 1500, account: customer.account });
    expect(await moneyOf(customer.customerId)).toEqual({
      balance: 1500,
      credits: 0,
      entries: [{ kind: "balance.refill", amount: 500, after: 1500 }],
    });
    expect(await countsOf(customer.customerId)).toEqual({
      totals: { refilled: 500 },
      days: [{ day, totals: moved({ refilled: 500 }) }],
    });
    expect(repositories.notified).toMatchObject([
      {
        action: "balance.refill",
        actorId: support.userId,
        target: { customerId: customer.customerId, account: customer.account },
        before: { balance: 1000 },
        after: { balance: 1500 },
        detail: "top-up",
      },
    ]);
  });

  it("a deduction larger than the balance writes nothing", async () => {
    const customer = await stored({ balance: 300 });

    const write = await repositories.transaction((session) =>
      writer.addToBalance(session, customer.customerId, -301, context()),
    );

    expect(write).toEqual({ ok: false });
    expect(await moneyOf(customer.customerId)).toEqual({ balance: 300, credits: 0, entries: [] });
    expect(await countsOf(customer.customerId)).toEqual({ totals: undefined, days: [] });
    expect(repositories.notified).toEqual([]);
  });

  it("a deduction of the whole balance leaves zero, recorded as a negative deduction", async () => {
    const customer = await stored({ balance: 300 });

    await repositories.transaction((session) =>
      writer.addToBalance(session, customer.customerId, -300, context()),
    );

    expect(await moneyOf(customer.customerId)).toEqual({
      balance: 0,
      credits: 0,
      entries: [{ kind: "balance.deduct", amount: -300, after: 0 }],
    });
  });

  it("refills and deductions add up in the totals and in one bucket per UTC day", async () => {
    const customer = await stored({ balance: 1000 });
    const nextDay = new Date("2026-05-05T00:10:00.000Z");

    await repositories.transaction(async (session) => {
      await writer.addToBalance(session, customer.customerId, 500, context());
      await writer.addToBalance(session, customer.customerId, -200, context());
      await writer.addToBalance(session, customer.customerId, -300, context({ at: nextDay }));
      await writer.addToBalance(session, customer.customerId, 50, context({ at: nextDay }));
    });

    expect(await countsOf(customer.customerId)).toEqual({
      totals: { refilled: 550, deducted: 500 },
      days: [
        {
          day: new Date("2026-05-05T00:00:00.000Z"),
          totals: moved({ refilled: 50, deducted: 300 }),
        },
        { day, totals: moved({ refilled: 500, deducted: 200 }) },
      ],
    });
  });
});

describe("MoneyWriter.setIfStill", () => {
  beforeEach(() => setPool(repositories, { total: 10_000, granted: 0 }));

  it("sets the balance to what was approved, recorded as the difference, with the decision's own audit record", async () => {
    const customer = await stored({ balance: 1000 });
    const decision = {
      at,
      actorId: manager.userId,
      actorRole: manager.role,
      action: "approval.approve",
      outcome: "done" as const,
    };

    const write = await repositories.transaction((session) =>
      writer.setIfStill(
        session,
        "balance",
        customer.customerId,
        1000,
        400,
        context({ approver: manager, approvalId: "A1", alsoAudit: [decision] }),
      ),
    );

    expect(write).toEqual({ ok: true, before: 1000, after: 400, account: customer.account });
    expect((await moneyOf(customer.customerId)).entries).toEqual([
      { kind: "balance.deduct", amount: -600, after: 400 },
    ]);
    expect(repositories.notified).toMatchObject([
      {
        action: "balance.deduct",
        actorId: manager.userId,
        target: { approvalId: "A1" },
        detail: `customer asked (requested by ${support.userId}, approved by ${manager.userId})`,
      },
      decision,
    ]);
  });

  it("credits take the difference from the pool, and a return gives it back", async () => {
    const customer = await stored();

    const grant = await repositories.transaction((session) =>
      writer.setIfStill(session, "credits", customer.customerId, 0, 2000, context()),
    );
    const giveBack = await repositories.transaction((session) =>
      writer.setIfStill(session, "credits", customer.customerId, 2000, 500, context()),
    );

    expect(grant).toEqual({
      ok: true,
      before: 0,
      after: 2000,
      account: customer.account,
      poolLeft: 8000,
    });
    expect(giveBack).toMatchObject({ ok: true, poolLeft: 9500 });
    expect(await moneyOf(customer.customerId)).toEqual({
      balance: 0,
      credits: 500,
      entries: [
        { kind: "credits.grant", amount: 2000, after: 2000 },
        { kind: "credits.return", amount: -1500, after: 500 },
      ],
    });
    expect(await countsOf(customer.customerId)).toEqual({
      totals: { granted: 2000, returned: 1500 },
      days: [{ day, totals: moved({ granted: 2000, returned: 1500 }) }],
    });
  });

  it("an approved balance change adds its difference to the totals, as a refill or a deduction", async () => {
    const customer = await stored({ balance: 1000 });

    await repositories.transaction(async (session) => {
      await writer.setIfStill(session, "balance", customer.customerId, 1000, 400, context());
      await writer.setIfStill(session, "balance", customer.customerId, 400, 900, context());
    });

    expect(await countsOf(customer.customerId)).toEqual({
      totals: { deducted: 600, refilled: 500 },
      days: [{ day, totals: moved({ refilled: 500, deducted: 600 }) }],
    });
  });

  it("credits the pool cannot cover answer what is left; the caller's transaction aborts and changes nothing", async () => {
    const customer = await stored();
    let answer: unknown;

    await expect(
      repositories.transaction(async (session) => {
        answer = await writer.setIfStill(
          session,
          "credits",
          customer.customerId,
          0,
          10_001,
          context(),
        );
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");

    expect(answer).toEqual({ ok: false, poolLeft: 10_000 });
    expect(await moneyOf(customer.customerId)).toEqual({ balance: 0, credits: 0, entries: [] });
    expect(await countsOf(customer.customerId)).toEqual({ totals: undefined, days: [] });
    expect(await poolLeft()).toBe(10_000);
  });

  it("a value that changed since the request writes nothing", async () => {
    const customer = await stored({ balance: 1000, credits: 100 });

    const writes = await repositories.transaction(async (session) => [
      await writer.setIfStill(session, "balance", customer.customerId, 999, 5000, context()),
      await writer.setIfStill(session, "credits", customer.customerId, 0, 5000, context()),
    ]);

    expect(writes).toEqual([{ ok: false }, { ok: false }]);
    expect(await moneyOf(customer.customerId)).toEqual({
      balance: 1000,
      credits: 100,
      entries: [],
    });
    expect(await countsOf(customer.customerId)).toEqual({ totals: undefined, days: [] });
    expect(await poolLeft()).toBe(10_000);
  });
});
