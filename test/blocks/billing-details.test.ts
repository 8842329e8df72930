import { describe, expect, it } from "vitest";
import type { BillingDetails } from "../../src/billing/billing-service.js";
import { buildBillingDetails } from "../../src/blocks/billing-details.js";
import { decodeCustomerPage, encodeCustomerPage } from "../../src/blocks/customer-page-value.js";
import type { LedgerEntry } from "../../src/ledger/ledger-entry.js";
import { currencyOf } from "../../src/money/currency.js";
import { aCustomer } from "../support/customer-fixtures.js";
import { blockKitViolations } from "../support/slack/block-kit-limits.js";
import { allButtons, visibleText } from "../support/slack-blocks.js";

const usd = currencyOf("USD");
const customer = aCustomer({ account: "ana@acme.example", balance: 15_000, credits: 2_000 });
const at = new Date("2026-03-01T09:30:00.000Z");
const zero = { refilled: 0, deducted: 0, creditsGranted: 0, creditsReturned: 0 };

function anEntry(overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    customerId: customer.customerId,
    kind: "balance.refill",
    amount: 10_000,
    after: 15_000,
    currency: "USD",
    actorId: "U0SUPPORT",
    approvedBy: null,
    approvalId: null,
    reason: "Paid invoice 2026-02",
    idempotencyKey: "k",
    at,
    ...overrides,
  };
}

function details(overrides: Partial<BillingDetails> = {}): BillingDetails {
  return {
    last30Days: zero,
    allTime: zero,
    entries: [anEntry()],
    total: 1,
    page: 0,
    pageCount: 1,
    usage: null,
    ...overrides,
  };
}

const pageButtons = (message: ReturnType<typeof buildBillingDetails>) =>
  allButtons(message.blocks).filter((button) => button.action_id.startsWith("billing_page:"));

describe("billing details message", () => {
  it("shows the totals for 30 days and all time, and each change with who, why and the result", () => {
    const message = buildBillingDetails(
      customer,
      details({
        last30Days: {
          refilled: 10_000,
          deducted: 2_500,
          creditsGranted: 2_000,
          creditsReturned: 0,
        },
        allTime: {
          refilled: 60_000,
          deducted: 45_000,
          creditsGranted: 7_000,
          creditsReturned: 5_000,
        },
        entries: [
          anEntry({
            kind: "credits.grant",
            amount: 2_000,
            after: 2_000,
            actorId: "U0SUPPORT",
            approvedBy: "U0MANAGER",
            reason: "Pilot <phase 2> & onboarding",
          }),
          anEntry({
            kind: "balance.deduct",
            amount: -2_500,
            after: 5_000,
            reason: "Refund of a double charge",
          }),
        ],
        total: 2,
      }),
      usd,
    );
    const text = visibleText(message.blocks);
    for (const expected of [
      "Billing details · ana@acme.example",
      customer.customerId,
      "*Last 30 days*\nRefilled $100.00\nDeducted $25.00\nCredits granted $20.00\nCredits returned $0.00",
      "*All time*\nRefilled $600.00\nDeducted $450.00\nCredits granted $70.00\nCredits returned $50.00",
      "*Credits granted* +$20.00 → credits $20.00",
      "by <@U0SUPPORT> · approved by <@U0MANAGER>",
      "Reason: Pilot &lt;phase 2&gt; &amp; onboarding",
      "*Balance deduction* -$25.00 → balance $50.00",
      "Reason: Refund of a double charge",
      `<!date^${at.getTime() / 1000}^`,
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain("Usage charges");
  });

  it("shows the platform's usage charges when there are some", () => {
    const message = buildBillingDetails(
      customer,
      details({
        usage: {
          recent: [
            { at, amount: 1_250, description: "Compute <gpu>, 3 hours" },
            { at, amount: 300, description: null },
          ],
          last30Days: 1_550,
          allTime: 48_000,
        },
      }),
      usd,
    );
    const text = visibleText(message.blocks);
    expect(text).toContain("*Usage charges* · last 30 days $15.50 · all time $480.00");
    expect(text).toContain("$12.50 · Compute &lt;gpu&gt;, 3 hours");
    expect(text).toContain("$3.00");
  });

  it("says plainly when there is no history, with no page buttons", () => {
    const message = buildBillingDetails(customer, details({ entries: [], total: 0 }), usd);
    expect(visibleText(message.blocks)).toContain("No balance or credit changes yet.");
    expect(visibleText(message.blocks)).not.toContain("Refilled");
    expect(pageButtons(message)).toEqual([]);
    expect(blockKitViolations("message", message)).toEqual([]);
  });

  it("offers Next on the first page, both in the middle, Previous on the last", () => {
    const onPage = (page: number) =>
      pageButtons(buildBillingDetails(customer, details({ total: 23, page, pageCount: 3 }), usd));
    expect(onPage(0).map((button) => button.text)).toEqual(["Next"]);
    expect(onPage(1).map((button) => button.text)).toEqual(["Previous", "Next"]);
    expect(onPage(2).map((button) => button.text)).toEqual(["Previous"]);
    const [previous, next] = onPage(1);
    expect(decodeCustomerPage(previous?.value)).toEqual({
      customerId: customer.customerId,
      page: 0,
    });
    expect(decodeCustomerPage(next?.value)).toEqual({ customerId: customer.customerId, page: 2 });
    expect(
      visibleText(
        buildBillingDetails(customer, details({ total: 23, page: 1, pageCount: 3 }), usd).blocks,
      ),
    ).toContain("*23* changes · page 2 of 3");
  });

  it("stays within Block Kit limits with 10 changes of 1,000-character reasons and long usage descriptions", () => {
    const longReason = "&<>".repeat(334);
    const message = buildBillingDetails(
      aCustomer({ account: `${"a".repeat(240)}@example.com` }),
      details({
        entries: Array.from({ length: 10 }, () =>
          anEntry({ reason: longReason, approvedBy: "U0MANAGER" }),
        ),
        total: 95,
        page: 3,
        pageCount: 10,
        usage: {
          recent: Array.from({ length: 5 }, () => ({
            at,
            amount: 1,
            description: "&".repeat(1_000),
          })),
          last30Days: 5,
          allTime: 5,
        },
      }),
      usd,
    );
    expect(blockKitViolations("message", message)).toEqual([]);
    expect(visibleText(message.blocks)).toContain(`Reason: ${"&amp;&lt;&gt;".repeat(10)}`);
  });
});

describe("billing page button value", () => {
  const customerId = customer.customerId;

  it("round-trips a customer and a page", () => {
    expect(decodeCustomerPage(encodeCustomerPage({ customerId, page: 7 }))).toEqual({
      customerId,
      page: 7,
    });
  });

  it.each([
    ["not JSON", "{"],
    ["no value", undefined],
    ["a forged customer ID", JSON.stringify({ c: "CUS-00000000", p: 1 })],
    ["a query operator instead of an ID", JSON.stringify({ c: { $ne: null }, p: 1 })],
    ["a negative page", JSON.stringify({ c: customerId, p: -1 })],
    ["a fractional page", JSON.stringify({ c: customerId, p: 1.5 })],
    ["a page past 100,000", JSON.stringify({ c: customerId, p: 100_001 })],
    ["an extra field", JSON.stringify({ c: customerId, p: 1, x: 1 })],
  ])("refuses %s", (_, raw) => {
    expect(decodeCustomerPage(raw)).toBeNull();
  });
});
