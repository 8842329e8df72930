import { beforeEach, describe, expect, it } from "vitest";
import type { Approval } from "../../src/approvals/approval.js";
import type { Customer } from "../../src/customers/customer.js";
import { collections } from "../../src/db/collections.js";
import {
  approvalTtlMs,
  manager,
  moneyServices,
  repositoriesForThisFile,
  setPool,
  storedCustomer,
  support,
} from "../support/repositories.js";

const start = new Date("2026-05-04T09:00:00.000Z");
let now = start;
const repositories = await repositoriesForThisFile();
const { approvals } = moneyServices(repositories, () => now);
const stored = (overrides: Partial<Customer> = {}) => storedCustomer(repositories, overrides);
let keys = 0;

beforeEach(async () => {
  now = start;
  await setPool(repositories, { total: 10_000, granted: 0 });
});

function request(
  kind: "balance" | "credits",
  customer: Customer,
  target: number,
  requester = support,
) {
  keys += 1;
  return approvals.request({
    kind,
    customerId: customer.customerId,
    account: customer.account,
    current: customer[kind],
    target,
    reason: "customer asked",
    requester,
    idempotencyKey: `request-${keys}`,
  });
}

const customerNow = async (customerId: string) =>
  repositories.customers.findByCustomerId(customerId);
const stateOf = async (approval: Approval) =>
  (await repositories.approvals.findById(approval.approvalId))?.state;
/** The audit trail of one request: `action outcome actor` per record, oldest first. */
const trailOf = async (approval: Approval) =>
  (
    await repositories.db
      .collection(collections.auditEvents)
      .find({ "target.approvalId": approval.approvalId })
      .sort({ at: 1, _id: 1 })
      .toArray()
  ).map((event) => `${event.action} ${event.outcome} ${event.actorId}`);

describe("ApprovalService.request", () => {
  it("stores a pending request once per idempotency key, with its audit record and the pool left", async () => {
    const customer = await stored();
    const asked = {
      kind: "credits" as const,
      customerId: customer.customerId,
      account: customer.account,
      current: 0,
      target: 2000,
      reason: "customer asked",
      requester: support,
      idempotencyKey: "request-once",
    };

    const first = await approvals.request(asked);
    const again = await approvals.request(asked);

    expect(first).toMatchObject({
      created: true,
      approval: {
        state: "pending",
        difference: 2000,
        poolLeftAtRequest: 10_000,
        expiresAt: new Date(start.getTime() + approvalTtlMs),
      },
    });
    expect(again).toEqual({ approval: first.approval, created: false });
    expect(repositories.notified.map((event) => event.action)).toEqual([
      "approval.request.credits",
    ]);
  });
});

describe("ApprovalService.approve", () => {
  it("approving credits moves them from the pool and notes what is left", async () => {
    const customer = await stored();
    const { approval } = await request("credits", customer, 2000);

    const decision = await approvals.approve(approval.approvalId, manager);

    expect(decision).toMatchObject({
      kind: "approved",
      approval: { state: "approved", decidedBy: manager.userId, poolLeftAfter: 8000 },
    });
    expect((await customerNow(customer.customerId))?.credits).toBe(2000);
    expect(await repositories.approvals.findById(approval.approvalId)).toEqual(decision.approval);
  });

  it("the requester cannot approve their own request; the refusal is recorded and it stays pending", async () => {
    const customer = await stored({ balance: 100 });
    const { approval } = await request("balance", customer, 900_000, manager);

    await expect(approvals.approve(approval.approvalId, manager)).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(approvals.approve(approval.approvalId, support)).rejects.toMatchObject({
      code: "forbidden",
    });

    expect(await stateOf(approval)).toBe("pending");
    expect(
      repositories.notified.filter((event) => event.outcome === "refused").map((e) => e.actorId),
    ).toEqual([manager.userId, support.userId]);
  });

  it("a customer whose value changed since the request makes it stale, with the value found, and changes nothing", async () => {
    const customer = await stored({ balance: 1000 });
    const { approval } = await request("balance", customer, 500_000);
    await repositories.db
      .collection(collections.customers)
      .updateOne({ customerId: customer.customerId }, { $set: { balance: 1200 } });

    const decision = await approvals.approve(approval.approvalId, manager);

    expect(decision).toMatchObject({
      kind: "stale",
      approval: { state: "stale", foundValue: 1200 },
    });
    expect((await customerNow(customer.customerId))?.balance).toBe(1200);
  });

  it("credits the pool cannot cover are refused with what is left; the request stays pending", async () => {
    const customer = await stored();
    const { approval } = await request("credits", customer, 4000);
    await setPool(repositories, { total: 10_000, granted: 7000 });

    await expect(approvals.approve(approval.approvalId, manager)).rejects.toMatchObject({
      code: "conflict",
      userMessage: expect.stringContaining("it has only $30.00 left"),
    });

    expect(await stateOf(approval)).toBe("pending");
    expect((await customerNow(customer.customerId))?.credits).toBe(0);
    expect(await trailOf(approval)).toEqual([
      `approval.request.credits done ${support.userId}`,
      `approval.approve refused ${manager.userId}`,
    ]);
  });

  it("a request past its expiry is marked expired instead of approved", async () => {
    const customer = await stored();
    const { approval } = await request("credits", customer, 100);
    now = new Date(start.getTime() + approvalTtlMs);

    await expect(approvals.approve(approval.approvalId, manager)).rejects.toMatchObject({
      code: "conflict",
      userMessage: expect.stringContaining("expired"),
    });

    expect(await stateOf(approval)).toBe("expired");
    expect((await customerNow(customer.customerId))?.credits).toBe(0);
    expect(await trailOf(approval)).toEqual([
      `approval.request.credits done ${support.userId}`,
      "approval.expire done approval-expiry",
      `approval.decide refused ${manager.userId}`,
    ]);
  });
});

describe("ApprovalService.reject and expireDue", () => {
  it("rejecting records the decision and its reason, and a second decision is refused", async () => {
    const customer = await stored();
    const { approval } = await request("credits", customer, 100);

    const decision = await approvals.reject(approval.approvalId, manager, "not now");

    expect(decision).toMatchObject({
      kind: "rejected",
      approval: { state: "rejected", rejectReason: "not now" },
    });
    await expect(approvals.approve(approval.approvalId, manager)).rejects.toMatchObject({
      code: "conflict",
    });
    expect(await trailOf(approval)).toEqual([
      `approval.request.credits done ${support.userId}`,
      `approval.reject done ${manager.userId}`,
      `approval.decide refused ${manager.userId}`,
    ]);
    // The trail names the person plainly, not with the marker a Slack answer turns into a mention.
    expect(
      await repositories.db
        .collection(collections.auditEvents)
        .findOne({ "target.approvalId": approval.approvalId, outcome: "refused" }),
    ).toMatchObject({
      detail: `This request is already rejected by ${manager.userId}; nothing more was changed.`,
    });
  });

  it("expireDue marks every overdue pending request expired and answers them", async () => {
    const customer = await stored();
    const first = await request("credits", customer, 100);
    const second = await request("credits", customer, 200);
    now = new Date(start.getTime() + approvalTtlMs);

    const expired = await approvals.expireDue();

    const theirs = expired.filter((approval) => approval.customerId === customer.customerId);
    expect(theirs.map((approval) => approval.approvalId).sort()).toEqual(
      [first.approval.approvalId, second.approval.approvalId].sort(),
    );
    expect(expired.every((approval) => approval.state === "expired")).toBe(true);
    expect(await approvals.expireDue()).toEqual([]);
    expect(await trailOf(first.approval)).toEqual([
      `approval.request.credits done ${support.userId}`,
      "approval.expire done approval-expiry",
    ]);
  });
});

describe("ApprovalService.withdraw", () => {
  it("withdraws the requester's pending request, which then asks nothing of the pool, is never expired, and cannot be decided", async () => {
    const customer = await stored();
    const { approval } = await request("credits", customer, 3000);
    const { pool } = moneyServices(repositories, () => now);
    const pendingBefore = (await pool.status()).pending;

    const withdrawn = await approvals.withdraw(approval.approvalId, support);

    expect(withdrawn).toMatchObject({ state: "withdrawn", decidedBy: support.userId });
    expect((await pool.status()).pending).toBe(pendingBefore - 3000);
    now = new Date(start.getTime() + approvalTtlMs);
    expect(
      (await approvals.expireDue()).filter((due) => due.approvalId === approval.approvalId),
    ).toEqual([]);
    await expect(approvals.approve(approval.approvalId, manager)).rejects.toMatchObject({
      code: "conflict",
    });
    expect(await stateOf(approval)).toBe("withdrawn");
    expect((await customerNow(customer.customerId))?.credits).toBe(0);
    expect(await trailOf(approval)).toEqual([
      `approval.request.credits done ${support.userId}`,
      `approval.withdraw done ${support.userId}`,
      `approval.decide refused ${manager.userId}`,
    ]);
    const owed = await repositories.db
      .collection(collections.outbox)
      .find({ "owed.approvalId": approval.approvalId })
      .toArray();
    expect(owed.map((entry) => entry.owed.kind).sort()).toEqual([
      "approval.post",
      "approval.update",
    ]);
  });

  it("refuses someone else, and a request that is overdue (expiring it), recording each refusal", async () => {
    const customer = await stored();
    const { approval } = await request("credits", customer, 100);

    await expect(approvals.withdraw(approval.approvalId, manager)).rejects.toMatchObject({
      code: "forbidden",
    });
    now = new Date(start.getTime() + approvalTtlMs);
    await expect(approvals.withdraw(approval.approvalId, support)).rejects.toMatchObject({
      code: "conflict",
      userMessage: expect.stringContaining("expired before it was withdrawn"),
    });

    expect(await stateOf(approval)).toBe("expired");
    expect(await trailOf(approval)).toEqual([
      `approval.request.credits done ${support.userId}`,
      `approval.withdraw refused ${manager.userId}`,
      "approval.expire done approval-expiry",
      `approval.withdraw refused ${support.userId}`,
    ]);
  });
});
