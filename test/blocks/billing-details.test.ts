import { describe, expect, it } from "vitest";
import type { BillingDetails } from "../../src/billing/billing-service.js";
import { buildBillingDetails } from "../../src/blocks/billing-details.js";
import { decodeEntryPage, encodeEntryPage } from "../../src/blocks/entry-page-value.js";
import type { StoredLedgerEntry } from "../../src/ledger/ledger-entry.js";
import { currencyOf } from "../../src/money/currency.js";
import { aCustomer } from "../support/customer-fixtures.js";
import { blockKitViolations } from "../support/slack/block-kit-limits.js";
import { allButtons, visibleText } from "../support/slack-blocks.js";

const usd = currencyOf("USD");
const customer = aCustomer({ account: "ana@acme.example", balance: 15_000, credits: 2_000 });
const at = new Date("2026-03-01T09:30:00.000Z");
const zero = { refilled: 0, deducted: 0, granted: 0, returned: 0 };
const anchor = (n: number) => ({
  at: new Date(at.getTime() - n * 60_000),
  id: `${n}`.padStart(24, "a"),
});

let entries = 0;

function anEntry(overrides: Partial<StoredLedgerEntry> = {}): StoredLedgerEntry {
  entries += 1;
  return {
    entryId: `${entries}`.padStart(24, "e"),
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
    complete: true,
    entries: { items: [anEntry()], newer: null, older: null },
    page: 1,
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
        last30Days: { refilled: 10_000, deducted: 2_500, granted: 2_000, returned: 0 },
        allTime: { refilled: 60_000, deducted: 45_000, granted: 7_000, returned: 5_000 },
        entries: {
          newer: null,
          older: null,
          items: [
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
        },
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
          complete: true,
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
    const message = buildBillingDetails(
      customer,
      details({ entries: { items: [], newer: null, older: null } }),
      usd,
    );
    expect(visibleText(message.blocks)).toContain("No balance or credit changes yet.");
    expect(visibleText(message.blocks)).not.toContain("Refilled");
    expect(pageButtons(message)).toEqual([]);
    expect(blockKitViolations("message", message)).toEqual([]);
  });

  it("offers Next on the first page, both in the middle, Previous on the last, each carrying its cursor", () => {
    const onPage = (page: number, newer: boolean, older: boolean) =>
      pageButtons(
        buildBillingDetails(
          customer,
          details({
            entries: {
              items: [anEntry()],
              newer: newer ? anchor(1) : null,
              older: older ? anchor(2) : null,
            },
            page,
          }),
          usd,
        ),
      );
    expect(onPage(1, false, true).map((button) => button.text)).toEqual(["Next"]);
    expect(onPage(2, true, true).map((button) => button.text)).toEqual(["Previous", "Next"]);
    expect(onPage(3, true, false).map((button) => button.text)).toEqual(["Previous"]);
    const [previous, next] = onPage(2, true, true);
    expect(decodeEntryPage(previous?.value)).toEqual({
      customerId: customer.customerId,
      cursor: { ...anchor(1), toward: "newer", page: 1 },
    });
    expect(decodeEntryPage(next?.value)).toEqual({
      customerId: customer.customerId,
      cursor: { ...anchor(2), toward: "older", page: 3 },
    });
    expect(next?.value?.length).toBeLessThan(2000);
    expect(visibleText(buildBillingDetails(customer, details({ page: 2 }), usd).blocks)).toContain(
      "changes newest first · page 2",
    );
  });

  it("says the usage sums are lower bounds when the customer has more charges than are summed", () => {
    const message = buildBillingDetails(
      customer,
      details({ usage: { recent: [], last30Days: 100, allTime: 900, complete: false } }),
      usd,
    );
    expect(visibleText(message.blocks)).toContain(
      "last 30 days at least $1.00 · all time at least $9.00 (summed over the latest 10,000 charges)",
    );
  });

  it("says the money totals are lower bounds for a long ledger whose totals were never counted", () => {
    const text = visibleText(
      buildBillingDetails(customer, details({ complete: false }), usd).blocks,
    );
    expect(text).toContain("*Last 30 days (at least)*");
    expect(text).toContain("*All time (at least)*");
  });

  it("stays within Block Kit limits with 10 changes of 1,000-character reasons and long usage descriptions", () => {
    const longReason = "&<>".repeat(334);
    const message = buildBillingDetails(
      aCustomer({ account: `${"a".repeat(240)}@example.com` }),
      details({
        entries: {
          items: Array.from({ length: 10 }, () =>
            anEntry({ reason: longReason, approvedBy: "U0MANAGER" }),
          ),
          newer: anchor(1),
          older: anchor(2),
        },
        page: 3,
        usage: {
          recent: Array.from({ length: 5 }, () => ({
            at,
            amount: 1,
            description: "&".repeat(1_000),
          })),
          last30Days: 5,
          allTime: 5,
          complete: true,
        },
      }),
      usd,
    );
    expect(blockKitViolations("message", message)).toEqual([]);
    expect(visibleText(message.blocks)).toContain(`Reason: ${"&amp;&lt;&gt;".repeat(10)}`);
  });
});

describe("billing and history page button value", () => {
  const customerId = customer.customerId;
  const cursor = { ...anchor(3), toward: "older" as const, page: 7 };
  const valid = { c: customerId, a: cursor.at.getTime(), i: cursor.id, d: "o", n: 7 };

  it("round-trips a customer and a cursor", () => {
    expect(decodeEntryPage(encodeEntryPage({ customerId, cursor }))).toEqual({
      customerId,
      cursor,
    });
    expect(JSON.parse(encodeEntryPage({ customerId, cursor }))).toEqual(valid);
  });

  it.each([
    ["not JSON", "{"],
    ["no value", undefined],
    ["a forged customer ID", JSON.stringify({ ...valid, c: "CUS-00000000" })],
    ["a query operator instead of an ID", JSON.stringify({ ...valid, c: { $ne: null } })],
    ["a query operator instead of a time", JSON.stringify({ ...valid, a: { $gt: 0 } })],
    ["a time as a string", JSON.stringify({ ...valid, a: "2026-03-01" })],
    ["a fractional time", JSON.stringify({ ...valid, a: 1.5 })],
    ["a time past what a date holds", JSON.stringify({ ...valid, a: 8.64e15 + 1 })],
    ["an entry ID that is not 24 hex digits", JSON.stringify({ ...valid, i: "zz" })],
    ["an unknown direction", JSON.stringify({ ...valid, d: "x" })],
    ["page 0", JSON.stringify({ ...valid, n: 0 })],
    ["a page past 100,000", JSON.stringify({ ...valid, n: 100_001 })],
    ["the old page format", JSON.stringify({ c: customerId, p: 1 })],
    ["an extra field", JSON.stringify({ ...valid, x: 1 })],
  ])("refuses %s", (_, raw) => {
    expect(decodeEntryPage(raw)).toBeNull();
  });
});
