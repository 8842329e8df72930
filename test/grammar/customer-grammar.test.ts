import { describe, expect, it } from "vitest";
import { parseCustomerCommand } from "../../src/grammar/customer-grammar.js";
import { currencyOf } from "../../src/money/currency.js";

const usd = currencyOf("USD");

describe("parseCustomerCommand", () => {
  it("help means the menu; empty text is the bare command (the linked customer, or the menu)", () => {
    expect(parseCustomerCommand("", usd)).toEqual({ name: "bare" });
    expect(parseCustomerCommand("  HELP ", usd)).toEqual({ name: "help" });
  });

  it("link takes a REF; unlink and links take nothing", () => {
    expect(parseCustomerCommand("link ana@acme.example", usd)).toEqual({
      name: "link",
      ref: "ana@acme.example",
    });
    expect(() => parseCustomerCommand("link", usd)).toThrow(
      "Say which customer: `/customer link REF`",
    );
    expect(parseCustomerCommand("UNLINK", usd)).toEqual({ name: "unlink" });
    expect(parseCustomerCommand("links", usd)).toEqual({ name: "links" });
    expect(() => parseCustomerCommand("unlink ana", usd)).toThrow(
      "`/customer unlink` takes nothing after it: run it in the linked channel.",
    );
    expect(() => parseCustomerCommand(`link ${"a".repeat(201)}`, usd)).toThrow("the most is 200");
  });

  it("list takes free text and filters in any order", () => {
    expect(parseCustomerCommand("list acme  corp type:enterprise status:ON tag:vip", usd)).toEqual({
      name: "list",
      query: { text: "acme corp", teamType: "enterprise", status: "on", tag: "vip" },
    });
    expect(parseCustomerCommand("list", usd)).toEqual({ name: "list", query: {} });
  });

  it("search text that looks like regex or query operators stays plain text", () => {
    expect(parseCustomerCommand('list {"$ne":1}', usd)).toEqual({
      name: "list",
      query: { text: '{"$ne":1}' },
    });
    expect(parseCustomerCommand("list .*", usd)).toEqual({ name: "list", query: { text: ".*" } });
  });

  it("refuses a bad filter value, naming what is allowed", () => {
    expect(() => parseCustomerCommand("list type:reseller", usd)).toThrow(
      /`type:reseller` is not a valid filter: type must be one of default, individual, enterprise/,
    );
    expect(() => parseCustomerCommand("list status:maybe", usd)).toThrow(
      /status must be on or off/,
    );
    expect(() => parseCustomerCommand("list tag:VIP!", usd)).toThrow(/lower-case letters, digits/);
  });

  it("show and a bare reference both look a customer up", () => {
    expect(parseCustomerCommand("show ana@example.com", usd)).toEqual({
      name: "show",
      ref: "ana@example.com",
    });
    expect(parseCustomerCommand("CUS-ABCDEFGH", usd)).toEqual({
      name: "show",
      ref: "CUS-ABCDEFGH",
    });
    expect(() => parseCustomerCommand("show", usd)).toThrow(/Say which customer/);
  });

  it("removes zero-width characters and refuses control characters", () => {
    expect(parseCustomerCommand("show ana\u200B@example.com", usd)).toEqual({
      name: "show",
      ref: "ana@example.com",
    });
    expect(() => parseCustomerCommand("show ana\u0007", usd)).toThrow(/control characters/);
  });

  it("refuses over-long references and search text", () => {
    expect(() => parseCustomerCommand(`show ${"a".repeat(201)}`, usd)).toThrow(
      /201 characters long; the most is 200/,
    );
    expect(() => parseCustomerCommand(`list ${"a".repeat(201)}`, usd)).toThrow(
      /search text is 201 characters/,
    );
  });

  it.each([
    ["balance ana +50 refund", { name: "balance", ref: "ana", amount: 5000, reason: "refund" }],
    [
      "balance acme corp -1,250.50 late fee",
      { name: "balance", ref: "acme corp", amount: -125050, reason: "late fee" },
    ],
    ["balance ana", { name: "balance", ref: "ana" }],
    [
      "credits ana 0 take them back",
      { name: "credits", ref: "ana", amount: 0, reason: "take them back" },
    ],
    ["credits ana", { name: "credits", ref: "ana" }],
  ])(
    "%j gives the REF, the amount in minor units (signed for balance, the target for credits) and the reason",
    (text, command) => {
      expect(parseCustomerCommand(text, usd)).toEqual(command);
    },
  );

  it.each([
    ["balance ana +20", { name: "balance", ref: "ana", amount: 2000 }],
    ["balance ana -5.50", { name: "balance", ref: "ana", amount: -550 }],
    ["credits ana 20", { name: "credits", ref: "ana", amount: 2000 }],
    ["balance ana +20 \u200B\u3164", { name: "balance", ref: "ana", amount: 2000 }],
  ])(
    "%j without a reason keeps the amount for the form, which asks for the reason",
    (text, command) => {
      expect(parseCustomerCommand(text, usd)).toEqual(command);
    },
  );

  it.each([
    "balance ana +€50 refund",
    "balance ana +£50 refund",
    "balance ana +¥5000 refund",
    "balance ana €50 refund",
    "balance ana +50 EUR refund",
    "credits ana ₿1 refund",
    "credits ana ₹50",
    "credits ana 50 GBP bonus",
  ])("%j is refused as another currency, naming the platform's", (text) => {
    expect(() => parseCustomerCommand(text, usd)).toThrow(
      /is in another currency: amounts here are in USD \(\$\)\./,
    );
  });

  it("reads the platform's own code after the amount as part of it, not of the reason", () => {
    expect(parseCustomerCommand("balance ana +50 usd refund", usd)).toEqual({
      name: "balance",
      ref: "ana",
      amount: 5000,
      reason: "refund",
    });
    expect(parseCustomerCommand("credits ana USD20 bonus", usd)).toMatchObject({ amount: 2000 });
  });

  it("refuses a reason with no visible characters", () => {
    expect(() => parseCustomerCommand("balance ana +5 \u034F", usd)).toThrow(
      /The reason has no visible characters/,
    );
  });

  it("refuses a reason longer than the ledger keeps", () => {
    expect(() => parseCustomerCommand(`balance ana +5 ${"r".repeat(501)}`, usd)).toThrow(
      "The reason is 501 characters; the most is 500.",
    );
  });

  it("subcommands on one customer need its REF, and say how to give it", () => {
    expect(parseCustomerCommand("history ana@example.com", usd)).toEqual({
      name: "history",
      ref: "ana@example.com",
    });
    expect(() => parseCustomerCommand("disable", usd)).toThrow(
      "Say which customer: `/customer disable REF`.",
    );
    expect(() => parseCustomerCommand("balance", usd)).toThrow(
      "Say which customer: `/customer balance REF +50 reason…`.",
    );
  });

  it("tag sets, clears with none, or opens the form without a tag", () => {
    expect(parseCustomerCommand("tag ana vip", usd)).toEqual({
      name: "tag",
      ref: "ana",
      tag: "vip",
    });
    expect(parseCustomerCommand("tag ana NONE", usd)).toEqual({
      name: "tag",
      ref: "ana",
      tag: null,
    });
    expect(parseCustomerCommand("tag ana", usd)).toEqual({ name: "tag", ref: "ana" });
    expect(() => parseCustomerCommand("tag ana VIP!", usd)).toThrow(/`VIP!` is not a valid tag/);
  });

  it("invite takes an optional email", () => {
    expect(parseCustomerCommand("invite", usd)).toEqual({ name: "invite", email: null });
    expect(parseCustomerCommand("invite Ana@Example.com", usd)).toEqual({
      name: "invite",
      email: "ana@example.com",
    });
    expect(() => parseCustomerCommand("invite ana", usd)).toThrow(/is not an email address/);
  });

  it("pool set carries the new total, or what is wrong with it, for after the permission check", () => {
    expect(parseCustomerCommand("pool", usd)).toEqual({ name: "pool" });
    expect(parseCustomerCommand("pool set 1,000.00", usd)).toEqual({
      name: "pool",
      newTotal: { ok: true, minorUnits: 100000 },
    });
    expect(parseCustomerCommand("pool set lots", usd)).toEqual({
      name: "pool",
      newTotal: { ok: false, problem: expect.stringMatching(/^“lots” is not an amount/) },
    });
    expect(parseCustomerCommand("pool set €2500", usd)).toEqual({
      name: "pool",
      newTotal: {
        ok: false,
        problem: "“€2500” is in another currency: amounts here are in USD ($).",
      },
    });
    expect(() => parseCustomerCommand("pool reset", usd)).toThrow(/Use `\/customer pool`/);
  });
});
