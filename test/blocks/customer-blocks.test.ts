import { describe, expect, it } from "vitest";
import { buildCustomerCard } from "../../src/blocks/customer-card.js";
import { buildCustomerChoices } from "../../src/blocks/customer-choices.js";
import { buildCustomerList } from "../../src/blocks/customer-list.js";
import { buildHelpMenu } from "../../src/blocks/help-menu.js";
import { decodeListPage } from "../../src/blocks/list-page-value.js";
import type { ListPage } from "../../src/customers/customer-service.js";
import { currencyOf } from "../../src/money/currency.js";
import { aCustomer } from "../support/customer-fixtures.js";
import { blockKitViolations } from "../support/slack/block-kit-limits.js";
import { allButtons, visibleText } from "../support/slack-blocks.js";

const usd = currencyOf("USD");

describe("customer card", () => {
  it("shows every field of the console and a button for every operation", () => {
    const customer = aCustomer({
      account: "ana@acme.example",
      teamType: "enterprise",
      companyName: "Acme <Robotics> & Co",
      balance: 123_450,
      credits: 2000,
      status: "off",
      tag: "vip",
    });
    const card = buildCustomerCard(customer, usd);
    const text = visibleText(card.blocks);
    for (const expected of [
      "ana@acme.example",
      customer.customerId,
      customer.teamName,
      "Enterprise",
      "Acme &lt;Robotics&gt; &amp; Co",
      "$1,234.50",
      "$20.00",
      "Off",
      "vip",
      "<!date^",
    ]) {
      expect(text).toContain(expected);
    }
    expect(allButtons(card.blocks).map((button) => button.text)).toEqual([
      "Edit",
      "Manage balance",
      "Manage credits",
      "Set tag",
      "Reset password",
      "Billing details",
      "History",
      "Enable",
    ]);
    expect(blockKitViolations("message", card)).toEqual([]);
  });

  it("Disable is a danger button with a confirm dialog", () => {
    const disable = allButtons(buildCustomerCard(aCustomer({ status: "on" }), usd).blocks).find(
      (b) => b.text === "Disable",
    );
    expect(disable?.style).toBe("danger");
    expect(JSON.stringify(disable?.confirm)).toContain("will no longer be able to log in");
  });

  it("stays within Block Kit limits with the longest values a customer can have", () => {
    const long = aCustomer({
      account: `${"a".repeat(240)}@example.com`,
      teamName: "T".repeat(300),
      companyName: "C".repeat(300),
    });
    expect(blockKitViolations("message", buildCustomerCard(long, usd))).toEqual([]);
  });
});

describe("customer list", () => {
  const customers = Array.from({ length: 10 }, () => aCustomer());
  const exact = (count: number) => ({ count, atLeast: false });
  const position = (n: number) => ({
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, n)),
    id: n.toString(16).padStart(24, "0"),
  });
  /** A middle page of 30 customers unless told otherwise. */
  const listOf = (page: Partial<ListPage>) =>
    buildCustomerList(
      {
        query: {},
        customers,
        total: exact(30),
        page: 1,
        pageCount: 3,
        newer: position(1),
        older: position(2),
        ...page,
      },
      usd,
    );
  const pageButtons = (list: { blocks: unknown }) =>
    allButtons(list.blocks).filter((b) => b.action_id.startsWith("customers_list_page"));

  it("shows the total, the page and Next on the first page only", () => {
    const list = listOf({ query: { text: "acme" }, total: exact(23), page: 0, newer: null });
    expect(visibleText(list.blocks)).toContain("*23* customers — matching “acme” · page 1 of 3");
    expect(pageButtons(list).map((b) => b.text)).toEqual(["Next"]);
    expect(blockKitViolations("message", list)).toEqual([]);
  });

  it("offers Previous and Next in the middle, Previous on the last page", () => {
    const middle = listOf({});
    expect(pageButtons(middle).map((b) => b.text)).toEqual(["Previous", "Next"]);
    const last = listOf({
      customers: customers.slice(0, 3),
      total: exact(23),
      page: 2,
      older: null,
    });
    expect(pageButtons(last).map((b) => b.text)).toEqual(["Previous"]);
  });

  it("shows a count that stopped at 1,000 as “1,000+”, with the page but no page count", () => {
    const list = listOf({
      query: { text: "a" },
      total: { count: 1000, atLeast: true },
      page: 4,
      pageCount: null,
    });
    expect(visibleText(list.blocks)).toContain("*1,000+* customers — matching “a” · page 5");
    expect(visibleText(list.blocks)).not.toContain(" of ");
    expect(String(list.text)).toContain("Customers: 1,000+ match, page 5");
  });

  it("page buttons carry the position next to the page and stay under Slack's 2,000 characters", () => {
    const query = {
      text: '"\\'.repeat(66),
      teamType: "enterprise" as const,
      status: "off" as const,
      tag: "t".repeat(32),
    };
    const list = listOf({ query });
    const [previous, next] = pageButtons(list).map((b) => String(b.value));
    expect(decodeListPage(previous)).toEqual({
      query,
      page: 0,
      cursor: { direction: "before", position: position(1) },
    });
    expect(decodeListPage(next)).toEqual({
      query,
      page: 2,
      cursor: { direction: "after", position: position(2) },
    });
    for (const value of [previous, next]) expect(value?.length).toBeLessThan(2000);
    expect(blockKitViolations("message", list)).toEqual([]);
  });

  it("says plainly when nothing matches", () => {
    const empty = buildCustomerList(
      {
        query: { status: "off", tag: "vip" },
        customers: [],
        total: exact(0),
        page: 0,
        pageCount: 1,
        newer: null,
        older: null,
      },
      usd,
    );
    expect(visibleText(empty.blocks)).toContain("No customers — status off, tag `vip`.");
  });

  it("a pick list for an ambiguous reference stays within limits", () => {
    const choices = buildCustomerChoices("team", customers.slice(0, 8), exact(40), usd);
    expect(visibleText(choices.blocks)).toContain(
      "*40* customers match “team”; here are the newest 8",
    );
    expect(allButtons(choices.blocks).filter((b) => b.text === "Open")).toHaveLength(8);
    expect(blockKitViolations("message", choices)).toEqual([]);
  });
});

describe("help menu and home", () => {
  it("the menu shows the grammar and quick-action buttons", () => {
    const menu = buildHelpMenu();
    expect(visibleText(menu.blocks)).toContain("/customer list [text]");
    expect(allButtons(menu.blocks).map((b) => b.text)).toEqual([
      "List customers",
      "Pick a customer",
      "New customer",
      "Invite customer",
      "Credit pool",
      "Pending approvals",
    ]);
    expect(blockKitViolations("message", menu)).toEqual([]);
  });
});
