import { AppError } from "../errors/app-error.js";
import { reasonSchema } from "../input/reason.js";
import {
  amountSchema,
  namesACurrency,
  parseAmount,
  parseTargetAmount,
  targetAmountSchema,
} from "../money/amount.js";
import type { Currency } from "../money/currency.js";
import { requireRef } from "./customer-ref.js";
import { parseOrRefuse } from "./parse-or-refuse.js";

export interface MoneyArgs {
  ref: string;
  /** Minor units: signed for balance changes, the target for credits; undefined when not given (open the form). */
  amount?: number;
  /** Undefined when not given: the form opens with the amount filled in and asks for it. */
  reason?: string;
}

/** `pool set N`: the new total, or what is wrong with N. */
export type NewPoolTotal = { ok: true; minorUnits: number } | { ok: false; problem: string };

/** Whether `word` starts as an unsigned amount does: a digit, after a currency symbol or code if any. */
function startsAsAmount(word: string): boolean {
  const match = /^(\p{L}{0,3}\p{Sc}|\p{L}{3})?\d/u.exec(word);
  const marker = match?.[1];
  return match !== null && (marker === undefined || namesACurrency(marker));
}

/**
 * The amount at `index`, with the currency code after it when one follows (`+50 USD`): the
 * platform's code in any case, another currency's in capitals (`+50 EUR` is refused, not read as
 * the start of the reason). Then the REF before it and the reason after it.
 */
function splitAtAmount(
  words: string[],
  index: number,
  currency: Currency,
): { ref: string; amount: string; reason: string } {
  const following = words[index + 1] ?? "";
  const isCode =
    following.toUpperCase() === currency.code ||
    (/^[A-Z]{3}$/.test(following) && namesACurrency(following));
  const end = isCode ? index + 2 : index + 1;
  return {
    ref: words.slice(0, index).join(" "),
    amount: words.slice(index, end).join(" "),
    reason: words.slice(end).join(" "),
  };
}

/** The reason after the amount, or undefined when none is given (the form then asks for it). */
function commandReason(reason: string): string | undefined {
  return reason === "" ? undefined : parseOrRefuse(reasonSchema, reason);
}

/** `balance REF +N|-N reason…`: the first word after REF that starts with + or − is the amount. */
export function parseBalanceArgs(text: string, currency: Currency): MoneyArgs {
  const words = text.split(" ").filter(Boolean);
  const index = words.findIndex((word, i) => i > 0 && /^[+-]/.test(word));
  if (index === -1) {
    // "balance ana 50 refund": an amount and a reason, but no sign to say which way.
    const unsigned = words.findIndex(
      (word, i) => i > 0 && i < words.length - 1 && startsAsAmount(word),
    );
    if (unsigned !== -1) {
      const word = words[unsigned] ?? "";
      const parsed = parseAmount(word, currency);
      if (!parsed.ok && parsed.otherCurrency) throw new AppError("invalid_input", parsed.message);
      throw new AppError(
        "invalid_input",
        `Say which way: \`+${word}\` to refill or \`-${word}\` to deduct, e.g. \`/customer balance REF +50 reason…\`.`,
      );
    }
    return { ref: requireRef(words.join(" "), "/customer balance REF +50 reason…") };
  }
  const { ref, amount: amountText, reason } = splitAtAmount(words, index, currency);
  const amount = parseOrRefuse(amountSchema(currency), amountText);
  return {
    ref,
    amount: amount.sign === "-" ? -amount.minorUnits : amount.minorUnits,
    reason: commandReason(reason),
  };
}

/** `credits REF N reason…`: the first word after REF that is an amount is the target. */
export function parseCreditsArgs(text: string, currency: Currency): MoneyArgs {
  const words = text.split(" ").filter(Boolean);
  const index = words.findIndex((word, i) => i > 0 && startsAsAmount(word));
  if (index === -1) {
    const signed = words.findIndex((word, i) => i > 0 && /^[+-]/.test(word));
    if (signed !== -1)
      throw new AppError(
        "invalid_input",
        "Credits are set to a target amount, not changed by +/−: `/customer credits REF 20 reason…` sets them to 20.",
      );
    return { ref: requireRef(words.join(" "), "/customer credits REF 20 reason…") };
  }
  const { ref, amount, reason } = splitAtAmount(words, index, currency);
  return {
    ref,
    amount: parseOrRefuse(targetAmountSchema(currency), amount),
    reason: commandReason(reason),
  };
}

/** `pool` shows the pool; `pool set N` (admins) changes its total. */
export function parsePoolArgs(text: string, currency: Currency): { newTotal?: NewPoolTotal } {
  const words = text.split(" ").filter(Boolean);
  if (words.length === 0) return {};
  const [verb = ""] = words;
  const { amount, reason: rest } = splitAtAmount(words, 1, currency);
  if (verb.toLowerCase() !== "set" || amount === "" || rest !== "")
    throw new AppError(
      "invalid_input",
      "Use `/customer pool` to see the pool, or `/customer pool set N` to set its total (admins).",
    );
  const total = parseTargetAmount(amount, currency);
  return {
    newTotal: total.ok
      ? { ok: true, minorUnits: total.minorUnits }
      : {
          ok: false,
          problem: total.otherCurrency
            ? total.message
            : `“${amount}” is not an amount. Use digits, e.g. \`/customer pool set 70\` or \`/customer pool set 1,000.00\`.`,
        },
  };
}
