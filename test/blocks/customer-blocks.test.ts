import { describe, expect, it } from "vitest";
import { buildCustomerCard } from "../../src/blocks/customer-card.js";
import { buildCustomerChoices } from "../../src/blocks/customer-choices.js";
import { buildCustomerList } from "../../src/blocks/customer-list.js";
import { buildHelpMenu } from "../../src/blocks/help-menu.js";
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

  it("shows the total, the page and Next on the first page only", () => {
    const list = buildCustomerList(
      { query: { text: "acme" }, customers, total: 23, page: 0, pageCount: 3 },
      usd,
    );
    expect(visibleText(list.blocks)).toContain("*23* customers — matching “acme” · page 1 of 3");
    expect(
      allButtons(list.blocks)
        .filter((b) => b.action_id.startsWith("customers_list_page"))
        .map((b) => b.text),
    ).toEqual(["Next"]);
    expect(blockKitViolations("message", list)).toEqual([]);
  });

  it("offers Previous and Next in the middle, Previous on the last page", () => {
    const middle = buildCustomerList(
      { query: {}, customers, total: 30, page: 1, pageCount: 3 },
      usd,
    );
    expect(
      allButtons(middle.blocks)
        .filter((b) => b.action_id.startsWith("customers_list_page"))
        .map((b) => b.text),
    ).toEqual(["Previous", "Next"]);
    const last = buildCustomerList(
      { query: {}, customers: customers.slice(0, 3), total: 23, page: 2, pageCount: 3 },
      usd,
    );
    expect(
      allButtons(last.blocks)
        .filter((b) => b.action_id.startsWith("customers_list_page"))
        .map((b) => b.text),
    ).toEqual(["Previous"]);
  });

  it("says plainly when nothing matches", () => {
    const empty = buildCustomerList(
      { query: { status: "off", tag: "vip" }, customers: [], total: 0, page: 0, pageCount: 1 },
      usd,
    );
    expect(visibleText(empty.blocks)).toContain("No customers — status off, tag `vip`.");
  });

  it("a pick list for an ambiguous reference stays within limits", () => {
    const choices = buildCustomerChoices("team", customers.slice(0, 8), 40, usd);
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
      "New customer",
      "Invite customer",
      "Credit pool",
      "Pending approvals",
    ]);
    expect(blockKitViolations("message", menu)).toEqual([]);
  });
});
