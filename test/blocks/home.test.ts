import { ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import type { Approval } from "../../src/approvals/approval.js";
import type { AuditEvent } from "../../src/audit/audit-event.js";
import { buildHome, buildNoAccessHome, type HomeData } from "../../src/blocks/home.js";
import { currencyOf } from "../../src/money/currency.js";
import { blockKitViolations } from "../support/slack/block-kit-limits.js";
import { allButtons, visibleText } from "../support/slack-blocks.js";

const usd = currencyOf("USD");

function anApproval(i: number, requestedBy = "USUPPORT01"): Approval {
  const at = new Date(Date.UTC(2026, 10, 1, 0, i));
  return {
    approvalId: new ObjectId().toHexString(),
    kind: i % 2 ? "credits" : "balance",
    customerId: "CUS-22222222",
    account: `customer${i}-${"x".repeat(200)}@example.com`,
    current: i * 100,
    target: i * 100 + 5000,
    difference: 5000,
    poolLeftAtRequest: 100_000,
    reason: "r".repeat(500),
    requestedBy,
    requestedAt: at,
    expiresAt: new Date(at.getTime() + 86_400_000),
    state: "pending",
    idempotencyKey: `k${i}`,
  };
}

function anEvent(i: number): AuditEvent {
  return {
    at: new Date(Date.UTC(2026, 10, 2, 0, i)),
    actorId: "UMANAGER01",
    actorRole: "manager",
    action: "balance.refill",
    outcome: "done",
    target: { customerId: "CUS-22222222", account: `customer${i}-${"y".repeat(200)}@example.com` },
    before: { balance: i },
    after: { balance: i + 100 },
    detail: "d".repeat(500),
  };
}

/** The scale the issue names: 500 customers, 200 pending requests, 1,000 audit events. */
function bigHome(role: HomeData["role"], viewerId: string): HomeData {
  return {
    role,
    viewerId,
    pool: { total: 7000, granted: 2000, left: 5000, pending: 1_000_000 },
    pending: { approvals: Array.from({ length: 200 }, (_, i) => anApproval(i)), total: 200 },
    myRequests: Array.from({ length: 200 }, (_, i) => ({
      ...anApproval(i, viewerId),
      state: i % 3 ? "approved" : "rejected",
      decidedBy: "UMANAGER01",
      decidedAt: new Date(),
      rejectReason: "no",
    })),
    activity: Array.from({ length: 1000 }, (_, i) => anEvent(i)),
  };
}

describe("App Home", () => {
  it("stays within Slack's limits with 200 pending requests and 1,000 audit events, and says how many more there are", () => {
    for (const role of ["support", "manager", "admin"] as const) {
      const home = buildHome(bigHome(role, "UVIEWER01"), usd);
      expect(blockKitViolations("home", home)).toEqual([]);
      expect(home.blocks.length).toBeLessThanOrEqual(100);
      expect(visibleText(home.blocks)).toContain("…and 190 more");
    }
  });

  it("a manager gets Approve and Reject on others' requests, never on their own", () => {
    const data = bigHome("manager", "UMANAGER01");
    data.pending.approvals[0] = anApproval(0, "UMANAGER01");
    const buttons = allButtons(buildHome(data, usd).blocks);
    expect(buttons.filter((b) => b.text === "Approve")).toHaveLength(9);
    expect(buttons.filter((b) => b.text === "Reject")).toHaveLength(9);
  });

  it("support sees the pending requests but no Approve or Reject", () => {
    const home = buildHome(bigHome("support", "USUPPORT01"), usd);
    expect(visibleText(home.blocks)).toContain("Pending approvals (200)");
    expect(allButtons(home.blocks).map((b) => b.text)).toEqual([
      "Find a customer",
      "Pick a customer",
      "New customer",
      "Invite customer",
    ]);
  });

  it("shows the pool with a gauge, the viewer's requests with their outcome, and the latest activity", () => {
    const text = visibleText(buildHome(bigHome("support", "USUPPORT01"), usd).blocks);
    expect(text).toContain("*Left*\n$50.00");
    expect(text).toMatch(/`█{6}░{14}` granted of total/);
    expect(text).toContain("Rejected by <@UMANAGER01>");
    expect(text).toContain("refilled the balance of");
  });

  it("someone without a role sees only a short explanation", () => {
    const home = buildNoAccessHome();
    expect(visibleText(home.blocks)).toContain("don't have access");
    expect(allButtons(home.blocks)).toEqual([]);
  });
});
