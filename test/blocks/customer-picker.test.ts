import type { ModalView } from "@slack/types";
import { describe, expect, it } from "vitest";
import { buildTagModal } from "../../src/blocks/customer-form-modal.js";
import {
  buildPickCustomerModal,
  customerOption,
  customerOptionText,
  pickPurposes,
} from "../../src/blocks/customer-picker.js";
import { buildHelpMenu } from "../../src/blocks/help-menu.js";
import {
  buildBalanceModal,
  buildCreditsModal,
  buildMessageChangeModal,
} from "../../src/blocks/money-modals.js";
import { currencyOf } from "../../src/money/currency.js";
import { aCustomer } from "../support/customer-fixtures.js";
import { blockKitViolations } from "../support/slack/block-kit-limits.js";

const usd = currencyOf("USD");

describe("the customer picker's options", () => {
  it("reads “account · team · CUS-ID · status” and carries only the ID", () => {
    const customer = aCustomer({ account: "ana@acme.example", teamName: "Acme", status: "off" });
    expect(customerOption(customer)).toEqual({
      text: {
        type: "plain_text",
        text: `ana@acme.example · Acme · ${customer.customerId} · off`,
        emoji: false,
      },
      value: customer.customerId,
    });
  });

  it.each([
    ["a long account", { account: `${"x".repeat(120)}@example.com`, teamName: "Short" }],
    ["a long team name", { account: "a@b.example", teamName: "T".repeat(150) }],
    ["both long", { account: `${"y".repeat(90)}@example.com`, teamName: "Z".repeat(90) }],
    ["no team name", { account: `${"q".repeat(90)}@example.com`, teamName: "" }],
  ])("with %s stays within Slack's 75 characters, the ID and status whole", (_label, fields) => {
    const customer = aCustomer(fields);
    const text = customerOptionText(customer);
    expect(text.length).toBeLessThanOrEqual(75);
    expect(text.endsWith(` · ${customer.customerId} · on`)).toBe(true);
  });
});

describe("forms with the picker", () => {
  const preselected = aCustomer({ account: "pre@acme.example" });
  it.each<[string, ModalView]>([
    ["balance", buildBalanceModal({ picker: {} }, usd, "{}")],
    ["balance, preselected", buildBalanceModal({ picker: { preselected } }, usd, "{}")],
    ["credits", buildCreditsModal({ picker: {} }, 5_000, usd, "{}")],
    ["tag", buildTagModal({ subject: { picker: {} }, privateMetadata: "{}" })],
    ["message change", buildMessageChangeModal({ picker: {} }, usd, "{}", { reason: "refund" })],
    ...pickPurposes.map((purpose): [string, ModalView] => [
      purpose,
      buildPickCustomerModal(purpose, "{}"),
    ]),
  ])("%s is a valid modal whose customer block is the picker", (_label, view) => {
    expect(blockKitViolations("modal", view)).toEqual([]);
    const picker = view.blocks.find(
      (block) => "block_id" in block && block.block_id === "customer",
    ) as {
      element: { type: string; min_query_length: number };
    };
    expect(picker.element).toMatchObject({ type: "external_select", min_query_length: 2 });
  });

  it("a preselected customer is the picker's initial option", () => {
    const view = buildBalanceModal({ picker: { preselected } }, usd, "{}");
    expect(JSON.stringify(view.blocks)).toContain(
      `"initial_option":{"text":{"type":"plain_text","text":"pre@acme.example`,
    );
  });

  it("the help menu stays valid with the picker's ways in", () => {
    expect(blockKitViolations("message", buildHelpMenu())).toEqual([]);
  });
});
