import { z } from "zod";
import { type Currency, isKnownCurrency, symbolOf } from "./currency.js";

/** The largest amount anyone may type in one go: 1 billion major units. */
const maxMajorUnits = 1_000_000_000;

export type ParsedAmount =
  | { ok: true; minorUnits: number; sign: "+" | "-" | "" }
  /** `otherCurrency`: the amount is written in another currency than the platform's. */
  | { ok: false; message: string; otherCurrency?: true };

/**
 * Digits with an optional sign; before them the platform's symbol (`$50`) or code (`USD 50`), after
 * them its code (`50 USD`). Any other symbol or code is read too, to be refused by name.
 */
const amountPattern =
  /^([+-]?)\s*(\p{L}{0,3}\p{Sc}|\p{L}{3})?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:\s*(\p{L}{3}|\p{Sc}))?$/u;

/**
 * Parses what people type — `50`, `50.5`, `$1,000.00`, `+50`, `-20`, `USD 50` — into integer minor
 * units. The sign is returned separately; `minorUnits` is always positive.
 */
export function parseAmount(input: string, currency: Currency): ParsedAmount {
  const parsed = readAmount(input, currency);
  if (parsed.ok && parsed.minorUnits === 0)
    return { ok: false, message: "The amount must be more than zero." };
  return parsed;
}

/**
 * A target for credits or the pool's total: an amount without a minus sign. Zero is a valid target
 * ("take all credits back"), though parseAmount refuses zero for changes.
 */
export function parseTargetAmount(input: string, currency: Currency): ParsedAmount {
  const parsed = readAmount(input, currency);
  if (parsed.ok && parsed.sign === "-")
    return { ok: false, message: "The target cannot be negative." };
  return parsed;
}

function readAmount(input: string, currency: Currency): ParsedAmount {
  const text = input.trim();
  if (text === "") return { ok: false, message: `Enter an amount. ${acceptedForms(currency)}` };
  const notAnAmount = () =>
    ({
      ok: false,
      message: `“${clip(text)}” is not an amount. ${acceptedForms(currency)}`,
    }) as const;
  const match = amountPattern.exec(text);
  if (!match) return notAnAmount();
  const [, sign = "", before, wholeText = "", fractionText, after] = match;
  if (before !== undefined && after !== undefined) return notAnAmount();
  const marker = before ?? after;
  if (marker !== undefined && !namesPlatformCurrency(marker, currency, before !== undefined)) {
    if (!namesACurrency(marker) || marker === symbolOf(currency)) return notAnAmount();
    return { ok: false, message: inAnotherCurrency(text, currency), otherCurrency: true };
  }
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
  return { ok: true, minorUnits, sign: sign as "+" | "-" | "" };
}

/** The platform's code (any case, before or after the number) or its symbol (before it only). */
function namesPlatformCurrency(marker: string, currency: Currency, placedBefore: boolean): boolean {
  return marker.toUpperCase() === currency.code || (placedBefore && marker === symbolOf(currency));
}

/** A currency symbol (`€`, `CA$`) or a known currency code (`EUR`, in any case). */
export function namesACurrency(marker: string): boolean {
  return /\p{Sc}/u.test(marker) || isKnownCurrency(marker.toUpperCase());
}

function inAnotherCurrency(text: string, currency: Currency): string {
  const symbol = symbolOf(currency);
  const named = symbol === currency.code ? currency.code : `${currency.code} (${symbol})`;
  return `“${clip(text)}” is in another currency: amounts here are in ${named}.`;
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

/** zod for text that `parse` reads, giving `pick` of a successful parse, or the parse's message. */
function parsedBy<T>(
  parse: (text: string) => ParsedAmount,
  pick: (amount: Extract<ParsedAmount, { ok: true }>) => T,
) {
  return z.string().transform((text, ctx) => {
    const parsed = parse(text);
    if (parsed.ok) return pick(parsed);
    ctx.addIssue({ code: "custom", message: parsed.message });
    return z.NEVER;
  });
}

/** An amount as typed (see parseAmount): positive integer minor units, and the sign typed before it. */
export const amountSchema = perCurrency((currency) =>
  parsedBy(
    (text) => parseAmount(text, currency),
    ({ minorUnits, sign }) => ({ minorUnits, sign }),
  ),
);

/** A target (see parseTargetAmount) in minor units. */
export const targetAmountSchema = perCurrency((currency) =>
  parsedBy(
    (text) => parseTargetAmount(text, currency),
    ({ minorUnits }) => minorUnits,
  ),
);

function acceptedForms(currency: Currency): string {
  const example =
    currency.digits === 0
      ? "`1000`, `1,000`"
      : `\`50\`, \`50.5\`, \`1,000.${"0".repeat(currency.digits)}\``;
  return `Use digits with an optional sign and ${symbolOf(currency)} or ${currency.code}, e.g. ${example}, \`+50\`, \`-20\`.`;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
