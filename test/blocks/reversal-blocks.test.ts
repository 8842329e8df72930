import { describe, expect, it } from "vitest";
import type { Approval } from "../../src/approvals/approval.js";
import { buildApprovalMessage } from "../../src/blocks/approval-message.js";
import { buildReverseModal } from "../../src/blocks/reversal-modal.js";
import type { StoredLedgerEntry } from "../../src/ledger/ledger-entry.js";
import { currencyOf } from "../../src/money/currency.js";
import { aCustomer } from "../support/customer-fixtures.js";
import { blockKitViolations } from "../support/slack/block-kit-limits.js";
import { allButtons, visibleText } from "../support/slack-blocks.js";

const usd = currencyOf("USD");
const at = new Date("2026-03-01T09:30:00.000Z");
const customer = aCustomer({ account: "ana@acme.example", balance: 2_000, credits: 5_000 });
const entryId = "0123456789abcdef01234567";

const entry: StoredLedgerEntry = {
  entryId,
  customerId: customer.customerId,
  kind: "credits.return",
  amount: -3_000,
  after: 5_000,
  currency: "USD",
  actorId: "U0SUPPORT",
  approvedBy: "U0MANAGER",
  approvalId: "aaaaaaaaaaaaaaaaaaaaaaaa",
  reason: "<lowered> & more".repeat(40),
  idempotencyKey: "k",
  at,
};

function aReversal(overrides: Partial<Approval> = {}): Approval {
  return {
    approvalId: "bbbbbbbbbbbbbbbbbbbbbbbb",
    kind: "reversal",
    customerId: customer.customerId,
    account: customer.account,
    current: 5_000,
    target: 8_000,
    difference: 3_000,
    poolLeftAtRequest: 9_000,
    reason: "lowered by mistake",
    requestedBy: "U0SUPPORT2",
    requestedAt: at,
    expiresAt: new Date(at.getTime() + 86_400_000),
    state: "pending",
    approvalsNeeded: 1,
    approvals: [],
    idempotencyKey: "view:1",
    reverses: {
      entryId,
      kind: "credits",
      amount: -3_000,
      entryKind: "credits.return",
      at,
      actorId: "U0SUPPORT",
    },
    ...overrides,
  };
}

describe("reversal blocks", () => {
  it("the request names the entry, its amount, date and author, the value now → undone, the pool, who asks and why", () => {
    const message = buildApprovalMessage(aReversal(), usd);
    const text = visibleText(message.blocks);
    expect(text).toContain("*Reversal* for *ana@acme.example*");
    expect(text).toContain(`Reverse \`${entryId}\` (credits returned) of −$30.00 from <!date^`);
    expect(text).toContain("by <@U0SUPPORT>");
    expect(text).toContain("Credits $50.00 → *$80.00* (+$30.00)");
    expect(text).toContain("Credit pool left: $90.00");
    expect(text).toContain("Requested by <@U0SUPPORT2>");
    expect(allButtons(message.blocks).map((button) => button.text)).toEqual(["Approve", "Reject"]);
    expect(blockKitViolations("message", message)).toEqual([]);
  });

  it("after a decision: approved says the entry is reversed; stale says it was reversed already", () => {
    const approved = visibleText(
      buildApprovalMessage(
        aReversal({
          state: "approved",
          decidedBy: "U0MANAGER",
          decidedAt: at,
          poolLeftAfter: 6_000,
        }),
        usd,
      ).blocks,
    );
    expect(approved).toContain("The entry is reversed (+$30.00), credit pool left $60.00.");
    const stale = visibleText(
      buildApprovalMessage(
        aReversal({ state: "stale", decidedBy: "U0MANAGER", decidedAt: at }),
        usd,
      ).blocks,
    );
    expect(stale).toContain("the entry was reversed already");
    expect(stale).not.toContain("changed after the request");
  });

  it("the form shows what will be reversed and asks for a reason, within Slack's limits", () => {
    const modal = buildReverseModal(entry, customer, usd, "{}");
    const text = visibleText(modal.blocks);
    expect(text).toContain("Reverse *credits returned* of *−$30.00*");
    expect(text).toContain("Their credits: $50.00 now → *$80.00* once a manager approves.");
    expect(
      modal.blocks.some((block) => block.type === "input" && block.block_id === "reason"),
    ).toBe(true);
    expect(blockKitViolations("modal", modal)).toEqual([]);
  });
});
