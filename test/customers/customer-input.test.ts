import { describe, expect, it } from "vitest";
import { validateCustomerInput } from "../../src/customers/customer-input.js";

const good = {
  account: "  Ana.Silva@Example.COM ",
  teamName: "Acme Data",
  teamType: "enterprise",
  companyName: "Acme",
  tag: "vip",
};

describe("validateCustomerInput", () => {
  it("normalises a good input: account lower-case, text trimmed, empty tag means none", () => {
    expect(validateCustomerInput(good)).toEqual({
      ok: true,
      value: {
        account: "ana.silva@example.com",
        teamName: "Acme Data",
        teamType: "enterprise",
        companyName: "Acme",
        tag: "vip",
      },
    });
    expect(
      validateCustomerInput({ ...good, teamType: "individual", companyName: "", tag: "" }),
    ).toMatchObject({
      ok: true,
      value: { companyName: null, tag: null },
    });
  });

  it.each([
    [{ account: "not-an-email" }, "account", "Account must be an email address"],
    [{ account: "" }, "account", "Account is required"],
    [{ account: `${"a".repeat(250)}@example.com` }, "account", "the most is 254"],
    [{ account: "ana\u0000@example.com" }, "account", "control characters"],
    [{ teamName: " " }, "teamName", "Team name is required"],
    [{ teamName: "\u3164\u2800" }, "teamName", "Team name is required"],
    [{ teamName: "\u200B\u00AD\u115F" }, "teamName", "Team name is required"],
    [{ teamName: "\u034F" }, "teamName", "Team name has no visible characters"],
    [{ companyName: "\u0301" }, "companyName", "Company name has no visible characters"],
    [{ teamName: "Alpha\nTeam" }, "teamName", "Team name cannot contain control characters"],
    [{ teamName: "T".repeat(81) }, "teamName", "Team name is 81 characters; the most is 80"],
    [{ teamType: "reseller" }, "teamType", "Team type must be default, individual or enterprise"],
    [{ companyName: "" }, "companyName", "Company name is required for an enterprise team"],
    [
      { teamType: "individual", companyName: "Acme" },
      "companyName",
      "Only enterprise teams have a company name",
    ],
    [{ companyName: "C".repeat(121) }, "companyName", "the most is 120"],
    [{ tag: "VIP customer" }, "tag", "Not a valid tag"],
    [{ tag: "x".repeat(33) }, "tag", "Not a valid tag"],
  ])("refuses %j on the %s field", (change, field, message) => {
    const result = validateCustomerInput({ ...good, ...change });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[field as keyof typeof result.errors]).toContain(message);
  });

  it("accepts the team type in any case, as a console export writes it", () => {
    expect(validateCustomerInput({ ...good, teamType: " Enterprise " })).toMatchObject({
      ok: true,
      value: { teamType: "enterprise" },
    });
  });

  it("removes zero-width characters so look-alike accounts cannot be made", () => {
    const result = validateCustomerInput({ ...good, account: "ana\u200B@example.com" });
    expect(result).toMatchObject({ ok: true, value: { account: "ana@example.com" } });
  });
});
