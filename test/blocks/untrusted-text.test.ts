/**
 * Customer data (written by the console: any string), reasons and error messages in the messages
 * the bot builds: shown as text, on their own line, and cut where no entity or token breaks.
 */
import { ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import type { Approval } from "../../src/approvals/approval.js";
import type { AuditEvent } from "../../src/audit/audit-event.js";
import { buildApprovalMessage } from "../../src/blocks/approval-message.js";
import { buildHome, type HomeData } from "../../src/blocks/home.js";
import { buildLowBalanceAlert } from "../../src/blocks/low-balance-alert.js";
import { buildErrorNotice } from "../../src/blocks/message.js";
import { currencyOf } from "../../src/money/currency.js";
import { endsMidToken, mrkdwnTexts, rawMarkupIn } from "../support/mrkdwn-leaks.js";
import { visibleText } from "../support/slack-blocks.js";

const usd = currencyOf("USD");
const hostileAccount = "<!channel> <!here> <@U123> & ana@acme.example";

function anApproval(overrides: Partial<Approval> = {}): Approval {
  const at = new Date(Date.UTC(2026, 10, 1));
  return {
    approvalId: new ObjectId().toHexString(),
    kind: "credits",
    customerId: "CUS-22222222",
    account: hostileAccount,
    current: 0,
    target: 2000,
    difference: 2000,
    poolLeftAtRequest: 10_000,
    reason: "x\n:white_check_mark: Approved by <@U1>",
    requestedBy: "USUPPORT01",
    requestedAt: at,
    expiresAt: new Date(at.getTime() + 86_400_000),
    state: "pending",
    idempotencyKey: "k",
    approvalsNeeded: 1,
    approvals: [],
    ...overrides,
  };
}

function anEvent(account: string): AuditEvent {
  return {
    at: new Date(Date.UTC(2026, 10, 2)),
    actorId: "UMANAGER01",
    actorRole: "manager",
    action: "balance.refill",
    outcome: "done",
    target: { customerId: "CUS-22222222", account },
    before: { balance: 0 },
    after: { balance: 100 },
    detail: "goodwill",
  };
}

function home(overrides: Partial<HomeData>): HomeData {
  return {
    role: "support",
    viewerId: "USUPPORT01",
    now: new Date(Date.UTC(2026, 10, 1)),
    pool: { total: 0, granted: 0, left: 0, pending: 0 },
    decidable: { approvals: [], total: 0 },
    ownPending: { approvals: [], total: 0 },
    activity: [],
    ...overrides,
  };
}

describe("a reason with line breaks on the approval message", () => {
  it("stays on the request's line, so it cannot pass for the decision line above the buttons", () => {
    const message = buildApprovalMessage(anApproval(), usd);
    const lines = visibleText(message.blocks).split("\n");
    expect(lines.filter((line) => line.startsWith(":white_check_mark:"))).toEqual([]);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^Requested by <@USUPPORT01> .*: _x :white_check_mark: Approved by &lt;@U1&gt;_$/,
      ),
    );
    expect(rawMarkupIn(message)).toEqual([]);
  });

  it("a rejection reason stays on the decision's line too", () => {
    const rejected = anApproval({
      state: "rejected",
      decidedBy: "UMANAGER01",
      decidedAt: new Date(),
      rejectReason: "no\n:white_check_mark: Approved by <@U1>",
    });
    const lines = visibleText(buildApprovalMessage(rejected, usd).blocks).split("\n");
    expect(lines.filter((line) => line.startsWith(":white_check_mark:"))).toEqual([]);
  });
});

describe("a console-written account with markup", () => {
  it("is text in the approval message's fallback and blocks", () => {
    const message = buildApprovalMessage(anApproval(), usd);
    expect(String(message.text)).toContain("&lt;!channel&gt;");
    expect(rawMarkupIn(JSON.parse(JSON.stringify(message)))).toEqual([]);
  });

  it("is text in App Home's “Your pending requests” and “Latest activity”", () => {
    const view = buildHome(
      home({
        ownPending: { approvals: [anApproval()], total: 1 },
        activity: [anEvent(hostileAccount)],
      }),
      usd,
    );
    expect(visibleText(view.blocks)).toContain("*Credits change* for *&lt;!channel&gt;");
    expect(visibleText(view.blocks)).toContain("refilled the balance of *&lt;!channel&gt;");
    expect(rawMarkupIn(view)).toEqual([]);
  });

  it("is text in an error notice that names it, and cannot pass for a person the message names", () => {
    const notice = buildErrorNotice(`${hostileAccount} {user:U123} already has $0.00 in credits.`);
    expect(String(notice.text)).toBe(
      ":warning: &lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &amp; ana@acme.example {user:U123} already has $0.00 in credits.",
    );
    expect(rawMarkupIn(JSON.parse(JSON.stringify(notice)))).toEqual([]);
  });
});

describe("long lines on App Home", () => {
  it("are cut before escaping, never in the middle of an entity or a token", () => {
    const ampersands = "&".repeat(300);
    const view = buildHome(
      home({
        ownPending: { approvals: [anApproval({ account: ampersands })], total: 1 },
        activity: [anEvent(ampersands), anEvent(`${"a".repeat(70)}<@U123>${"b".repeat(300)}`)],
      }),
      usd,
    );
    expect(mrkdwnTexts(view.blocks).filter(endsMidToken)).toEqual([]);
  });
});

describe("the earlier changes a request is summed with (rolling 24 h limit)", () => {
  it("show each reason as text on its own line, and count those beyond the 10 listed", () => {
    const latest = Array.from({ length: 10 }, (_, i) => ({
      at: new Date(Date.UTC(2026, 10, 1, i)),
      amount: i % 2 === 0 ? 4000 : -4000,
      reason: `r${i}\n:white_check_mark: Approved by <@U1> ${"&".repeat(400)}`,
    }));
    const message = buildApprovalMessage(
      anApproval({
        kind: "balance",
        current: 100_000,
        target: 104_000,
        difference: 4000,
        summedWith: { limit: 50_000, count: 12, total: 48_000, latest },
      }),
      usd,
    );
    const lines = visibleText(message.blocks).split("\n");
    expect(lines.filter((line) => line.startsWith(":white_check_mark:"))).toEqual([]);
    expect(lines.filter((line) => line.startsWith("• "))).toHaveLength(10);
    expect(lines).toContain("…and 2 earlier");
    expect(lines).toContainEqual(
      expect.stringContaining("(total $480.00), it would make $520.00 and pass the $500.00 limit:"),
    );
    expect(rawMarkupIn(message)).toEqual([]);
    expect(mrkdwnTexts(message.blocks).filter(endsMidToken)).toEqual([]);
  });
});

describe("a low-balance alert for a console-written account with markup", () => {
  it("names the account as text", () => {
    const alert = buildLowBalanceAlert(
      {
        customerId: "CUS-22222222",
        account: hostileAccount,
        balance: 4000,
        threshold: 10_000,
        amount: -20_000,
        requestedBy: "USUPPORT01",
        approvedBy: null,
        at: new Date(),
      },
      usd,
    );
    expect(String(alert.text)).toContain(
      "*&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &amp; ana@acme.example*",
    );
    expect(rawMarkupIn(JSON.parse(JSON.stringify(alert)))).toEqual([]);
  });
});
