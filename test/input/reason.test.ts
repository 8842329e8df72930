import { describe, expect, it } from "vitest";
import { reasonSchema } from "../../src/input/reason.js";

const problem = (reason: string) => reasonSchema.safeParse(reason).error?.issues[0]?.message;

describe("reasonSchema", () => {
  it("keeps the reason trimmed", () => {
    expect(reasonSchema.parse("  refund for outage \n")).toBe("refund for outage");
  });

  it("asks for a reason when there is none", () => {
    expect(problem("   ")).toBe("Give a reason; it is kept with the change.");
  });

  it("refuses more than the ledger keeps", () => {
    expect(reasonSchema.safeParse("r".repeat(500)).success).toBe(true);
    expect(problem("r".repeat(501))).toBe("The reason is 501 characters; the most is 500.");
  });

  it("refuses control characters, which would reach the ledger, the audit trail and Slack", () => {
    expect(problem("refund\u0007")).toBe(
      "The reason contains control characters; type it as plain text.",
    );
    expect(problem("refund \u202Eoutage")).toMatch(/control characters/);
  });
});
