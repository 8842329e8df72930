import { ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import type { Approval } from "../../src/approvals/approval.js";
import type { AuditEvent } from "../../src/audit/audit-event.js";
import { buildHome, buildNoAccessHome, type HomeData, timeLeft } from "../../src/blocks/home.js";
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
    approvalsNeeded: 1,
    approvals: [],
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

/**
 * The scale the issue names: 200 pending requests (the lists hold what the repository answers: the
 * first ones and a count capped at 100), 1,000 audit events.
 */
function bigHome(role: HomeData["role"], viewerId: string): HomeData {
  return {
    role,
    viewerId,
    now: new Date(Date.UTC(2026, 10, 1, 4, 40)),
    pool: { total: 7000, granted: 2000, left: 5000, pending: 1_000_000 },
    decidable:
      role === "support"
        ? { approvals: [], total: 0 }
        : { approvals: Array.from({ length: 10 }, (_, i) => anApproval(i)), total: 100 },
    ownPending: {
      approvals: Array.from({ length: 5 }, (_, i) => anApproval(i, viewerId)),
      total: 7,
    },
    activity: Array.from({ length: 1000 }, (_, i) => anEvent(i)),
  };
}

describe("App Home", () => {
  it("marks a two-person request that has its first approval “1 of 2”, within Slack's limits with the longest comment", () => {
    const data = bigHome("admin", "UADMIN0001");
    data.decidable.approvals = data.decidable.approvals.map((approval, i) => ({
      ...approval,
      approvalsNeeded: 2 as const,
      approvals:
        i % 2
          ? [
              {
                by: "UMANAGER01",
                role: "manager" as const,
                at: approval.requestedAt,
                comment: "&<".repeat(250),
              },
            ]
          : [],
    }));
    const home = buildHome(data, usd);
    const text = visibleText(home.blocks);
    expect(blockKitViolations("home", home)).toEqual([]);
    expect(text.split("1 of 2 approvals — Approved by <@UMANAGER01>")).toHaveLength(6);
    expect(text.split("Needs 2 approvals")).toHaveLength(6);
  });

  it("stays within Slack's limits with 200 pending requests and 1,000 audit events, and says how many more there are", () => {
    for (const role of ["support", "manager", "admin"] as const) {
      const home = buildHome(bigHome(role, "UVIEWER01"), usd);
      expect(blockKitViolations("home", home)).toEqual([]);
      expect(home.blocks.length).toBeLessThanOrEqual(100);
      expect(visibleText(home.blocks)).toContain(
        "…and 2 more: `/customer approvals` lists every pending one.",
      );
      if (role !== "support") expect(visibleText(home.blocks)).toContain("…and 90+ more");
    }
  });

  it("a manager's My work lists the requests to decide with the time each has left, Approve/Reject under each", () => {
    const home = buildHome(bigHome("manager", "UMANAGER01"), usd);
    const text = visibleText(home.blocks);
    expect(text).toContain("*Waiting for your decision (100+)*");
    // anApproval(0) was asked at 00:00 and expires a day later; Home is rendered at 04:40.
    expect(text).toContain(":hourglass_flowing_sand: *expires in 19 h 20 min*");
    const buttons = allButtons(home.blocks);
    expect(buttons.filter((b) => b.text === "Approve")).toHaveLength(10);
    expect(buttons.filter((b) => b.text === "Reject")).toHaveLength(10);
  });

  it("support's My work lists only their own pending requests, each with Withdraw, and no Approve or Reject", () => {
    const home = buildHome(bigHome("support", "USUPPORT01"), usd);
    const text = visibleText(home.blocks);
    expect(text).not.toContain("Waiting for your decision");
    expect(text).toContain("*Your pending requests (7)*");
    const buttons = allButtons(home.blocks);
    expect(buttons.map((b) => b.text)).toEqual([
      "Find a customer",
      "Pick a customer",
      "New customer",
      "Invite customer",
      ...Array.from({ length: 5 }, () => "Withdraw"),
    ]);
    expect(buttons.filter((b) => b.text === "Withdraw").every((b) => b.confirm)).toBe(true);
  });

  it("says so when there is no work", () => {
    const data = bigHome("manager", "UMANAGER01");
    data.decidable = { approvals: [], total: 0 };
    data.ownPending = { approvals: [], total: 0 };
    const text = visibleText(buildHome(data, usd).blocks);
    expect(text).toContain("Nothing is waiting for your decision.");
    expect(text).toContain("You have no requests waiting for approval.");
  });

  it("shows the pool with a gauge and the latest activity", () => {
    const text = visibleText(buildHome(bigHome("support", "USUPPORT01"), usd).blocks);
    expect(text).toContain("*Left*\n$50.00");
    expect(text).toMatch(/`█{6}░{14}` granted of total/);
    expect(text).toContain("refilled the balance of");
  });

  it("counts time left down, rounded down, in days, hours and minutes", () => {
    const now = new Date(Date.UTC(2026, 10, 1));
    const inMinutes = (minutes: number) => new Date(now.getTime() + minutes * 60_000 + 59_000);
    expect(timeLeft(inMinutes(200), now)).toBe("expires in 3 h 20 min");
    expect(timeLeft(inMinutes(45), now)).toBe("expires in 45 min");
    expect(timeLeft(inMinutes(120), now)).toBe("expires in 2 h");
    expect(timeLeft(inMinutes(0), now)).toBe("expires in under a minute");
    expect(timeLeft(inMinutes(2 * 24 * 60 + 180), now)).toBe("expires in 2 d 3 h");
    expect(timeLeft(now, inMinutes(5))).toBe("expiring now");
  });

  it("someone without a role sees only a short explanation", () => {
    const home = buildNoAccessHome();
    expect(visibleText(home.blocks)).toContain("don't have access");
    expect(allButtons(home.blocks)).toEqual([]);
  });
});
