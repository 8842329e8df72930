import { describe, expect, it } from "vitest";
import { amountSchema, parseAmount, targetAmountSchema } from "../../src/money/amount.js";
import { currencyOf, formatMoney } from "../../src/money/currency.js";

const usd = currencyOf("USD");
const jpy = currencyOf("JPY");

describe("parseAmount", () => {
  it.each([
    ["50", 5000, ""],
    ["50.5", 5050, ""],
    ["50.05", 5005, ""],
    ["$1,000.00", 100_000, ""],
    ["+50", 5000, "+"],
    ["-20", 2000, "-"],
    ["- $20", 2000, "-"],
    ["0.01", 1, ""],
    ["1000000000", 100_000_000_000, ""],
  ])("accepts %j as %i minor units", (input, minorUnits, sign) => {
    expect(parseAmount(input, usd)).toEqual({ ok: true, minorUnits, sign });
  });

  it.each([
    ["50.123", /too many decimals: USD has at most 2 decimals/],
    ["0", /more than zero/],
    ["0.00", /more than zero/],
    ["1e5", /is not an amount/],
    ["fifty", /is not an amount/],
    ["", /Enter an amount/],
    ["12,34", /is not an amount/],
    ["1000000001", /too large/],
    ["NaN", /is not an amount/],
    ["Infinity", /is not an amount/],
    ["0x10", /is not an amount/],
    ["5 5", /is not an amount/],
  ])("refuses %j with a message saying what is accepted", (input, message) => {
    const result = parseAmount(input, usd);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it("respects a currency without decimals", () => {
    expect(parseAmount("1,500", jpy)).toEqual({ ok: true, minorUnits: 1500, sign: "" });
    const refused = parseAmount("1.5", jpy);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toMatch(/JPY has no decimals/);
  });
});

describe("formatMoney", () => {
  it("formats minor units in the currency's own way", () => {
    expect(formatMoney(123_450, usd)).toBe("$1,234.50");
    expect(formatMoney(0, usd)).toBe("$0.00");
    expect(formatMoney(1500, jpy)).toBe("¥1,500");
  });
});

describe("amountSchema", () => {
  it("gives the minor units and the sign typed, or parseAmount's message", () => {
    expect(amountSchema(usd).parse("-$20.50")).toEqual({ minorUnits: 2050, sign: "-" });
    expect(amountSchema(jpy).safeParse("5.5").error?.issues[0]?.message).toBe(
      "“5.5” has too many decimals: JPY has no decimals.",
    );
  });
});

describe("targetAmountSchema", () => {
  it("accepts zero and plain or + amounts, and refuses a negative target", () => {
    expect(targetAmountSchema(usd).parse(" 0.00 ")).toBe(0);
    expect(targetAmountSchema(usd).parse("$0")).toBe(0);
    expect(targetAmountSchema(usd).parse("+20")).toBe(2000);
    expect(targetAmountSchema(usd).safeParse("-5").error?.issues[0]?.message).toBe(
      "The target cannot be negative.",
    );
    expect(targetAmountSchema(usd).safeParse("lots").error?.issues[0]?.message).toMatch(
      /is not an amount/,
    );
  });
});

describe("amounts in another currency", () => {
  it.each(["+€50", "£50", "+¥5000", "₿1", "₹50", "CA$5", "50 EUR", "EUR50", "-gbp 5", "50€"])(
    "refuses %j on a USD platform, naming the platform's currency",
    (input) => {
      expect(parseAmount(input, usd)).toEqual({
        ok: false,
        message: `“${input}” is in another currency: amounts here are in USD ($).`,
        otherCurrency: true,
      });
    },
  );

  it.each([
    ["USD 50", 5000, ""],
    ["50 USD", 5000, ""],
    ["+usd50", 5000, "+"],
    ["-50usd", 5000, "-"],
    ["$50", 5000, ""],
  ])("accepts the platform's own code or symbol: %j", (input, minorUnits, sign) => {
    expect(parseAmount(input, usd)).toEqual({ ok: true, minorUnits, sign });
  });

  it("accepts ¥ and JPY on a JPY platform, and refuses $ there", () => {
    expect(parseAmount("¥5,000", jpy)).toEqual({ ok: true, minorUnits: 5000, sign: "" });
    expect(parseAmount("5000 JPY", jpy)).toEqual({ ok: true, minorUnits: 5000, sign: "" });
    expect(parseAmount("$50", jpy)).toEqual({
      ok: false,
      message: "“$50” is in another currency: amounts here are in JPY (¥).",
      otherCurrency: true,
    });
  });

  it("still refuses a symbol after the number and words that are no currency", () => {
    expect(parseAmount("5$", usd)).toMatchObject({ ok: false, message: /is not an amount/ });
    expect(parseAmount("50 abc", usd)).toMatchObject({ ok: false, message: /is not an amount/ });
  });

  it("a zero target in another currency is refused like any other amount", () => {
    expect(targetAmountSchema(usd).safeParse("€0").error?.issues[0]?.message).toBe(
      "“€0” is in another currency: amounts here are in USD ($).",
    );
    expect(targetAmountSchema(usd).parse("USD 0")).toBe(0);
    expect(targetAmountSchema(usd).parse("0 usd")).toBe(0);
  });
});
