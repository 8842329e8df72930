import { describe, expect, it } from "vitest";
import { reasonSchema } from "../../src/input/reason.js";
import { invisibleCharacters } from "../support/invisible-characters.js";

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

  it.each(
    invisibleCharacters.map((character) => [JSON.stringify(character).slice(1, -1), character]),
  )("asks for a reason when it is nothing but %s, which shows nothing", (_, character) => {
    expect(problem(character)).toBe("Give a reason; it is kept with the change.");
    expect(problem(` ${character}${character} `)).toBe(
      "Give a reason; it is kept with the change.",
    );
  });

  it("refuses a reason mixing invisible characters, or made of a combining mark alone", () => {
    expect(problem(invisibleCharacters.join(" "))).toBe(
      "Give a reason; it is kept with the change.",
    );
    expect(problem("\u034F\u0301")).toBe(
      "The reason has no visible characters; give a reason, it is kept with the change.",
    );
  });

  it("keeps a visible reason without its invisible characters", () => {
    expect(reasonSchema.parse("\u200Brefund\u00AD for\u3164 outage")).toBe("refund for outage");
    expect(reasonSchema.parse("refund\nfor outage")).toBe("refund\nfor outage");
  });
});
