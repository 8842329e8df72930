import { z } from "zod";
import type { Currency } from "./currency.js";

/** The largest amount anyone may type in one go: 1 billion major units. */
const maxMajorUnits = 1_000_000_000;

export type ParsedAmount =
  | { ok: true; minorUnits: number; sign: "+" | "-" | "" }
  | { ok: false; message: string };

/**
 * Parses what people type — `50`, `50.5`, `$1,000.00`, `+50`, `-20` — into integer minor units.
 * The sign is returned separately; `minorUnits` is always positive.
 */
export function parseAmount(input: string, currency: Currency): ParsedAmount {
  const accepted = acceptedForms(currency);
  const text = input.trim();
  if (text === "") return { ok: false, message: `Enter an amount. ${accepted}` };
  const match = /^([+-]?)\s*(\p{Sc})?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/u.exec(text);
  if (!match) return { ok: false, message: `“${clip(text)}” is not an amount. ${accepted}` };
  const [, sign = "", , wholeText = "", fractionText] = match;
  if (fractionText !== undefined && fractionText.length > currency.digits) {
    const allowed =
      currency.digits === 0
        ? `${currency.code} has no decimals`
        : `${currency.code} has at most ${currency.digits} decimal${currency.digits === 1 ? "" : "s"}`;
    return { ok: false, message: `“${clip(text)}” has too many decimals: ${allowed}.` };
  }
  const whole = Number(wholeText.replaceAll(",", ""));
  const fraction = Number((fractionText ?? "").padEnd(currency.digits, "0") || "0");
  // Compared with the fraction included: 1,000,000,000.01 is more than the most allowed.
  if (whole > maxMajorUnits || (whole === maxMajorUnits && fraction > 0)) {
    return {
      ok: false,
      message: `“${clip(text)}” is too large: the most is ${maxMajorUnits.toLocaleString("en-US")}.`,
    };
  }
  const minorUnits = whole * 10 ** currency.digits + fraction;
  if (minorUnits === 0) return { ok: false, message: "The amount must be more than zero." };
  return { ok: true, minorUnits, sign: sign as "+" | "-" | "" };
}

/** Builds a currency's schema once: building a zod schema costs several times more than a parse. */
function perCurrency<Schema>(
  build: (currency: Currency) => Schema,
): (currency: Currency) => Schema {
  const built = new WeakMap<Currency, Schema>();
  return (currency) => {
    let schema = built.get(currency);
    if (!schema) {
      schema = build(currency);
      built.set(currency, schema);
    }
    return schema;
  };
}

/** An amount as typed (see parseAmount): positive integer minor units, and the sign typed before it. */
export const amountSchema = perCurrency((currency) =>
  z.string().transform((text, ctx) => {
    const parsed = parseAmount(text, currency);
    if (parsed.ok) return { minorUnits: parsed.minorUnits, sign: parsed.sign };
    ctx.addIssue({ code: "custom", message: parsed.message });
    return z.NEVER;
  }),
);

/**
 * A target for credits or the pool's total: an amount without a minus sign, in minor units. Zero is a
 * valid target ("take all credits back"), though parseAmount refuses zero for changes.
 */
export const targetAmountSchema = perCurrency((currency) =>
  z
    .string()
    .trim()
    .transform((text, ctx) => {
      if (/^\p{Sc}?0+(\.0+)?$/u.test(text)) return 0;
      const parsed = parseAmount(text, currency);
      if (parsed.ok && parsed.sign !== "-") return parsed.minorUnits;
      ctx.addIssue({
        code: "custom",
        message: parsed.ok ? "The target cannot be negative." : parsed.message,
      });
      return z.NEVER;
    }),
);

function acceptedForms(currency: Currency): string {
  const example =
    currency.digits === 0
      ? "`1000`, `1,000`"
      : `\`50\`, \`50.5\`, \`1,000.${"0".repeat(currency.digits)}\``;
  return `Use digits with an optional sign and currency symbol, e.g. ${example}, \`+50\`, \`-20\`.`;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
