import { describe, expect, it } from "vitest";
import { customerFilter, escapeRegex } from "../../src/customers/customer-query.js";

describe("customerFilter", () => {
  it("escapes every regex metacharacter so user text matches literally", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the point is a literal "${}" in user text
    const text = ".*+?^${}()|[]\\/-";
    expect(new RegExp(escapeRegex(text)).test(text)).toBe(true);
    expect(new RegExp(escapeRegex(".*")).test("anything")).toBe(false);
  });

  it("searches account, team, company and ID case-insensitively; filters are exact values", () => {
    expect(
      customerFilter({ text: "a.b", teamType: "enterprise", status: "off", tag: "vip" }),
    ).toEqual({
      teamType: { $eq: "enterprise" },
      status: { $eq: "off" },
      tag: { $eq: "vip" },
      $or: ["account", "teamName", "companyName", "customerId"].map((field) => ({
        [field]: { $regex: "a\\.b", $options: "i" },
      })),
    });
    expect(customerFilter({})).toEqual({});
  });
});
