import { AppError } from "../errors/app-error.js";
import { reasonSchema } from "../input/reason.js";
import { amountSchema, targetAmountSchema } from "../money/amount.js";
import type { Currency } from "../money/currency.js";
import { requireRef } from "./customer-ref.js";
import { parseOrRefuse } from "./parse-or-refuse.js";

export interface MoneyArgs {
  ref: string;
  /** Minor units: signed for balance changes, the target for credits; undefined when not given (open the form). */
  amount?: number;
  reason?: string;
}

/** `pool set N`: the new total, or what is wrong with N. */
export type NewPoolTotal = { ok: true; minorUnits: number } | { ok: false; problem: string };

function splitAt(words: string[], index: number): { ref: string; reason: string } {
  return { ref: words.slice(0, index).join(" "), reason: words.slice(index + 1).join(" ") };
}

/** The reason after the amount; a missing one is asked for with the subcommand's example. */
function commandReason(reason: string, example: string): string {
  const parsed = reasonSchema.safeParse(reason);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new AppError(
    "invalid_input",
    issue?.code === "too_small"
      ? `Give a reason after the amount: \`${example}\`.`
      : (issue?.message ?? "That reason is not valid."),
  );
}

/** `balance REF +N|-N reason…`: the first word after REF that starts with + or − is the amount. */
export function parseBalanceArgs(text: string, currency: Currency): MoneyArgs {
  const words = text.split(" ").filter(Boolean);
  const index = words.findIndex((word, i) => i > 0 && /^[+-]/.test(word));
  if (index === -1) {
    // "balance ana 50 refund": an amount and a reason, but no sign to say which way.
    const unsigned = words.findIndex(
      (word, i) => i > 0 && i < words.length - 1 && /^\p{Sc}?\d/u.test(word),
    );
    if (unsigned !== -1) {
      throw new AppError(
        "invalid_input",
        `Say which way: \`+${words[unsigned]}\` to refill or \`-${words[unsigned]}\` to deduct, e.g. \`/customer balance REF +50 reason…\`.`,
      );
    }
    return { ref: requireRef(words.join(" "), "/customer balance REF +50 reason…") };
  }
  const { ref, reason } = splitAt(words, index);
  const amount = parseOrRefuse(amountSchema(currency), words[index] ?? "");
  return {
    ref,
    amount: amount.sign === "-" ? -amount.minorUnits : amount.minorUnits,
    reason: commandReason(reason, "/customer balance REF +50 refund for outage"),
  };
}

/** `credits REF N reason…`: the first word after REF that is an amount is the target. */
export function parseCreditsArgs(text: string, currency: Currency): MoneyArgs {
  const words = text.split(" ").filter(Boolean);
  const index = words.findIndex((word, i) => i > 0 && /^\p{Sc}?\d/u.test(word));
  if (index === -1) {
    const signed = words.findIndex((word, i) => i > 0 && /^[+-]/.test(word));
    if (signed !== -1)
      throw new AppError(
        "invalid_input",
        "Credits are set to a target amount, not changed by +/−: `/customer credits REF 20 reason…` sets them to 20.",
      );
    return { ref: requireRef(words.join(" "), "/customer credits REF 20 reason…") };
  }
  const { ref, reason } = splitAt(words, index);
  return {
    ref,
    amount: parseOrRefuse(targetAmountSchema(currency), words[index] ?? ""),
    reason: commandReason(reason, "/customer credits REF 20 welcome bonus"),
  };
}

/** `pool` shows the pool; `pool set N` (admins) changes its total. */
export function parsePoolArgs(text: string, currency: Currency): { newTotal?: NewPoolTotal } {
  const words = text.split(" ").filter(Boolean);
  if (words.length === 0) return {};
  const [verb = "", word = ""] = words;
  if (verb.toLowerCase() !== "set" || words.length !== 2)
    throw new AppError(
      "invalid_input",
      "Use `/customer pool` to see the pool, or `/customer pool set N` to set its total (admins).",
    );
  const total = targetAmountSchema(currency).safeParse(word);
  return {
    newTotal: total.success
      ? { ok: true, minorUnits: total.data }
      : {
          ok: false,
          problem: `“${word}” is not an amount. Use digits, e.g. \`/customer pool set 70\` or \`/customer pool set 1,000.00\`.`,
        },
  };
}
