import { describe, expect, it } from "vitest";
import { parseCustomerCommand } from "../../src/grammar/customer-grammar.js";

describe("parseCustomerCommand", () => {
  it("empty text and help both mean the menu", () => {
    expect(parseCustomerCommand("")).toEqual({ name: "help" });
    expect(parseCustomerCommand("  HELP ")).toEqual({ name: "help" });
  });

  it("list takes free text and filters in any order", () => {
    expect(parseCustomerCommand("list acme  corp type:enterprise status:ON tag:vip")).toEqual({
      name: "list",
      query: { text: "acme corp", teamType: "enterprise", status: "on", tag: "vip" },
    });
    expect(parseCustomerCommand("list")).toEqual({ name: "list", query: {} });
  });

  it("search text that looks like regex or query operators stays plain text", () => {
    expect(parseCustomerCommand('list {"$ne":1}')).toEqual({
      name: "list",
      query: { text: '{"$ne":1}' },
    });
    expect(parseCustomerCommand("list .*")).toEqual({ name: "list", query: { text: ".*" } });
  });

  it("refuses a bad filter value, naming what is allowed", () => {
    expect(() => parseCustomerCommand("list type:reseller")).toThrow(
      /`type:reseller` is not a valid filter: type must be one of default, individual, enterprise/,
    );
    expect(() => parseCustomerCommand("list status:maybe")).toThrow(/status must be on or off/);
    expect(() => parseCustomerCommand("list tag:VIP!")).toThrow(/lower-case letters, digits/);
  });

  it("show and a bare reference both look a customer up", () => {
    expect(parseCustomerCommand("show ana@example.com")).toEqual({
      name: "show",
      ref: "ana@example.com",
    });
    expect(parseCustomerCommand("CUS-ABCDEFGH")).toEqual({ name: "show", ref: "CUS-ABCDEFGH" });
    expect(() => parseCustomerCommand("show")).toThrow(/Say which customer/);
  });

  it("removes zero-width characters and refuses control characters", () => {
    expect(parseCustomerCommand("show ana\u200B@example.com")).toEqual({
      name: "show",
      ref: "ana@example.com",
    });
    expect(() => parseCustomerCommand("show ana\u0007")).toThrow(/control characters/);
  });

  it("refuses over-long references and search text", () => {
    expect(() => parseCustomerCommand(`show ${"a".repeat(201)}`)).toThrow(
      /201 characters long; the most is 200/,
    );
    expect(() => parseCustomerCommand(`list ${"a".repeat(201)}`)).toThrow(
      /search text is 201 characters/,
    );
  });

  it("keeps the arguments of subcommands handled elsewhere", () => {
    expect(parseCustomerCommand("balance ana +50 refund")).toEqual({
      name: "balance",
      args: "ana +50 refund",
    });
  });
});
