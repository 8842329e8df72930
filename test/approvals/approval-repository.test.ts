import { ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import type { Approval } from "../../src/approvals/approval.js";
import { isDuplicateKey } from "../../src/db/transaction.js";
import { repositoriesForThisFile } from "../support/repositories.js";

const requestedAt = new Date("2026-05-04T09:00:00.000Z");
const expiresAt = new Date("2026-05-04T10:00:00.000Z");
const beforeExpiry = new Date("2026-05-04T09:30:00.000Z");
const repositories = await repositoriesForThisFile();
let keys = 0;

function aRequest(overrides: Partial<Omit<Approval, "approvalId">> = {}) {
  keys += 1;
  return {
    kind: "credits" as const,
    customerId: `CUS-${keys}`,
    account: `customer${keys}@example.com`,
    current: 0,
    target: 2000,
    difference: 2000,
    poolLeftAtRequest: 10_000,
    reason: "customer asked",
    requestedBy: "U0SUPPORT",
    requestedAt,
    expiresAt,
    state: "pending" as const,
    idempotencyKey: `request-${keys}`,
    approvalsNeeded: 1 as const,
    approvals: [],
    ...overrides,
  };
}

const insert = (request = aRequest()) =>
  repositories.transaction((session) => repositories.approvals.insert(request, session));

describe("ApprovalRepository: storing and finding", () => {
  it("a stored request is found by its ID and by its idempotency key, as it was stored", async () => {
    const request = aRequest();

    const approval = await insert(request);

    expect(approval).toEqual({ approvalId: expect.stringMatching(/^[0-9a-f]{24}$/), ...request });
    expect(await repositories.approvals.findById(approval.approvalId)).toEqual(approval);
    expect(await repositories.approvals.findByIdempotencyKey(request.idempotencyKey)).toEqual(
      approval,
    );
  });

  it("a second request with the same idempotency key is refused by the unique index", async () => {
    const request = aRequest();
    await insert(request);

    const again = await insert({ ...request }).catch((error: unknown) => error);

    expect(isDuplicateKey(again, "idempotencyKey")).toBe(true);
  });

  it("an ID that is not 24 hex characters, or names nothing, finds nothing", async () => {
    for (const approvalId of ["", "not-an-id", "abcdefghijkl", new ObjectId().toHexString()])
      expect(await repositories.approvals.findById(approvalId)).toBeNull();
  });

  it("listPending holds pending requests not yet expired, newest first, with their count", async () => {
    const listed = await repositories.approvals.listPending(beforeExpiry, 100);
    const later = await insert(aRequest({ requestedAt: new Date(requestedAt.getTime() + 1) }));
    await insert(aRequest({ state: "rejected" }));

    const now = await repositories.approvals.listPending(beforeExpiry, 100);

    expect(now.total).toBe(listed.total + 1);
    expect(now.approvals[0]).toEqual(later);
    expect(now.approvals.every((approval) => approval.state === "pending")).toBe(true);
    expect(await repositories.approvals.listPending(expiresAt, 100)).toEqual({
      approvals: [],
      total: 0,
    });
  });

  it("pendingOf holds someone's own pending, unexpired requests, newest first, counted up to the cap", async () => {
    const older = await insert(aRequest({ requestedBy: "U0OWN" }));
    const newer = await insert(
      aRequest({
        requestedBy: "U0OWN",
        requestedAt: new Date(requestedAt.getTime() + 60_000),
        expiresAt: new Date(expiresAt.getTime() + 60_000),
      }),
    );
    await insert(aRequest({ requestedBy: "U0OWN", state: "approved" }));
    await insert(aRequest({ requestedBy: "U0OTHER" }));

    expect(await repositories.approvals.pendingOf("U0OWN", beforeExpiry, 5, 100)).toEqual({
      approvals: [newer, older],
      total: 2,
    });
    expect(await repositories.approvals.pendingOf("U0OWN", beforeExpiry, 1, 1)).toEqual({
      approvals: [newer],
      total: 1,
    });
    expect((await repositories.approvals.pendingOf("U0OWN", expiresAt, 5, 100)).approvals).toEqual([
      newer,
    ]);
  });

  it("decidableBy holds others' pending, unexpired requests, soonest expiry first, never the viewer's own", async () => {
    const viewer = "U0DECIDER";
    const minutesAfterExpiry = (minutes: number) =>
      new Date(expiresAt.getTime() + minutes * 60_000);
    const later = await insert(aRequest({ expiresAt: minutesAfterExpiry(30) }));
    const sooner = await insert(aRequest({ expiresAt: minutesAfterExpiry(20) }));
    await insert(aRequest({ requestedBy: viewer, expiresAt: minutesAfterExpiry(21) }));
    await insert(aRequest({ state: "withdrawn", expiresAt: minutesAfterExpiry(21) }));

    const decidable = await repositories.approvals.decidableBy(
      viewer,
      minutesAfterExpiry(10),
      10,
      100,
    );

    expect(decidable).toEqual({ approvals: [sooner, later], total: 2 });
  });

  it("withdrawIfPendingAndOwn withdraws only the requester's own pending request, once", async () => {
    const approval = await insert(aRequest({ requestedBy: "U0WITHDRAW" }));
    const withdraw = (by: string, at = beforeExpiry) =>
      repositories.transaction((session) =>
        repositories.approvals.withdrawIfPendingAndOwn(approval.approvalId, by, at, session),
      );

    expect(await withdraw("U0SOMEONE")).toBeNull();
    expect(await withdraw("U0WITHDRAW", expiresAt)).toBeNull();
    expect(await withdraw("U0WITHDRAW")).toMatchObject({
      state: "withdrawn",
      decidedBy: "U0WITHDRAW",
      decidedAt: beforeExpiry,
    });
    expect(await withdraw("U0WITHDRAW")).toBeNull();
  });

  it("pendingCreditIncreases sums what pending, unexpired credit requests would take from the pool", async () => {
    const now = new Date("2026-05-04T09:50:00.000Z");
    const before = await repositories.approvals.pendingCreditIncreases(now);
    await insert(aRequest({ difference: 700 }));
    await insert(aRequest({ difference: -300 }));
    await insert(aRequest({ kind: "balance", difference: 5000 }));
    await insert(aRequest({ difference: 900, state: "approved" }));
    await insert(aRequest({ difference: 1100, expiresAt: new Date("2026-05-04T09:40:00.000Z") }));

    expect(await repositories.approvals.pendingCreditIncreases(now)).toBe(before + 700);
  });

  it("rememberMessage stores where the request was posted", async () => {
    const approval = await insert();

    await repositories.approvals.rememberMessage(approval.approvalId, { channel: "C1", ts: "1.2" });

    expect((await repositories.approvals.findById(approval.approvalId))?.message).toEqual({
      channel: "C1",
      ts: "1.2",
    });
  });
});

describe("ApprovalRepository: decisions are guarded on pending", () => {
  const approve = (approvalId: string, approverId: string, at = beforeExpiry) =>
    repositories.transaction((session) =>
      repositories.approvals.approveIfPendingAndNotOwn(
        approvalId,
        { by: approverId, role: "manager", at },
        session,
      ),
    );
  const reject = (approvalId: string, at = beforeExpiry) =>
    repositories.transaction((session) =>
      repositories.approvals.rejectIfPending(approvalId, "U0MANAGER", "too much", at, session),
    );

  it("approving applies once, and never by the requester or after expiry", async () => {
    const approval = await insert();

    expect(await approve(approval.approvalId, "U0SUPPORT")).toBeNull();
    expect(await approve(approval.approvalId, "U0MANAGER", expiresAt)).toBeNull();
    expect(await approve(approval.approvalId, "U0MANAGER")).toEqual({
      ...approval,
      state: "approved",
      decidedBy: "U0MANAGER",
      decidedAt: beforeExpiry,
      approvals: [{ by: "U0MANAGER", role: "manager", at: beforeExpiry }],
    });
    expect(await approve(approval.approvalId, "U0ADMIN")).toBeNull();
    expect(await reject(approval.approvalId)).toBeNull();
  });

  it("a two-person request takes one first approval (not the requester's), then a final one by someone else only", async () => {
    const approval = await insert(aRequest({ approvalsNeeded: 2 }));
    const first = (approverId: string) =>
      repositories.transaction((session) =>
        repositories.approvals.recordFirstApproval(
          approval.approvalId,
          { by: approverId, role: "manager", at: beforeExpiry, comment: "ok by me" },
          session,
        ),
      );

    expect(await approve(approval.approvalId, "U0MANAGER")).toBeNull();
    expect(await first("U0SUPPORT")).toBeNull();
    expect(await first("U0MANAGER")).toMatchObject({
      state: "pending",
      approvals: [{ by: "U0MANAGER", comment: "ok by me" }],
    });
    expect(await first("U0ADMIN")).toBeNull();
    expect(await approve(approval.approvalId, "U0MANAGER")).toBeNull();
    expect(await approve(approval.approvalId, "U0ADMIN")).toMatchObject({
      state: "approved",
      decidedBy: "U0ADMIN",
      approvals: [{ by: "U0MANAGER" }, { by: "U0ADMIN" }],
    });
    expect(await approve(approval.approvalId, "U0OTHER")).toBeNull();
  });

  it("rejecting applies once with its reason, and not after expiry", async () => {
    const approval = await insert();

    expect(await reject(approval.approvalId, expiresAt)).toBeNull();
    expect(await reject(approval.approvalId)).toMatchObject({
      state: "rejected",
      decidedBy: "U0MANAGER",
      rejectReason: "too much",
    });
    expect(await reject(approval.approvalId)).toBeNull();
  });

  it("notePoolLeftAfter records what the pool had left after an approval", async () => {
    const approval = await insert();

    await repositories.transaction((session) =>
      repositories.approvals.notePoolLeftAfter(approval.approvalId, 8000, session),
    );

    expect((await repositories.approvals.findById(approval.approvalId))?.poolLeftAfter).toBe(8000);
  });

  it("markStaleIfPending records the value found instead, once", async () => {
    const approval = await insert();
    const noCustomer = await insert();
    const mark = (approvalId: string, found: number | undefined) =>
      repositories.transaction((session) =>
        repositories.approvals.markStaleIfPending(
          approvalId,
          "U0MANAGER",
          found,
          beforeExpiry,
          session,
        ),
      );

    expect(await mark(approval.approvalId, 1234)).toMatchObject({
      state: "stale",
      foundValue: 1234,
    });
    expect(await mark(approval.approvalId, 99)).toBeNull();
    const stale = await mark(noCustomer.approvalId, undefined);
    expect(stale?.state).toBe("stale");
    expect(stale).not.toHaveProperty("foundValue");
  });

  it("expireOneDue expires pending requests past their expiry, one at a time, and nothing else", async () => {
    const due = await insert(aRequest({ expiresAt: new Date(0) }));
    const decided = await insert(aRequest({ expiresAt: new Date(0), state: "approved" }));

    const expired = await repositories.approvals.expireOneDue(beforeExpiry);

    expect(expired).toEqual({ ...due, state: "expired", decidedAt: beforeExpiry });
    expect(await repositories.approvals.expireOneDue(beforeExpiry)).toBeNull();
    expect((await repositories.approvals.findById(decided.approvalId))?.state).toBe("approved");
  });
});
