import { describe, expect, it } from "vitest";
import { admin, moneyServices, repositoriesForThisFile, setPool } from "../support/repositories.js";

const at = new Date("2026-05-04T09:30:00.000Z");
const repositories = await repositoriesForThisFile();
const { pool } = moneyServices(repositories, () => at);

async function pendingCreditRequest(difference: number) {
  await repositories.transaction((session) =>
    repositories.approvals.insert(
      {
        kind: "credits",
        customerId: "CUS-22222222",
        account: "pending@example.com",
        current: 0,
        target: difference,
        difference,
        poolLeftAtRequest: null,
        reason: "asked",
        requestedBy: "U0SUPPORT",
        requestedAt: at,
        expiresAt: new Date(at.getTime() + 60_000),
        state: "pending",
        idempotencyKey: `pending-${difference}`,
        approvalsNeeded: 1,
        approvals: [],
      },
      session,
    ),
  );
}

describe("CreditPool", () => {
  it("status shows total, granted, left and what pending credit requests would take", async () => {
    await setPool(repositories, { total: 7000, granted: 2000 });
    await pendingCreditRequest(1500);
    await pendingCreditRequest(-500);

    expect(await pool.status()).toEqual({ total: 7000, granted: 2000, left: 5000, pending: 1500 });
  });

  it("an admin sets the total, recorded with the total before", async () => {
    await setPool(repositories, { total: 7000, granted: 2000 });

    const set = await pool.setTotal(9000, admin);

    expect(set).toMatchObject({ before: 7000, after: { total: 9000, granted: 2000, left: 7000 } });
    expect(repositories.notified).toMatchObject([
      { action: "pool.setTotal", before: { total: 7000 }, after: { total: 9000 } },
    ]);
  });

  it("the total cannot go below what is granted; nothing changes and the refusal is recorded", async () => {
    await setPool(repositories, { total: 7000, granted: 2000 });

    await expect(pool.setTotal(1999, admin)).rejects.toMatchObject({
      code: "conflict",
      userMessage: expect.stringContaining("$20.00 is already granted"),
    });

    expect(await pool.left()).toBe(5000);
    expect(repositories.notified).toMatchObject([
      {
        action: "pool.setTotal",
        outcome: "refused",
        actorId: admin.userId,
        detail: expect.stringContaining("$20.00 is already granted"),
      },
    ]);
  });
});
