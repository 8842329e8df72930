import { AppError } from "../errors/app-error.js";
import { maxReasonLength } from "../ledger/balance-service.js";
import { parseAmount } from "../money/amount.js";
import type { Currency } from "../money/currency.js";

export interface MoneyArgs {
  ref: string;
  /** Minor units: signed for balance changes, the target for credits; undefined when not given (open the form). */
  amount?: number;
  reason?: string;
}

/** Zero is a valid credit target ("take all credits back"); parseAmount refuses zero for changes. */
function parseTarget(token: string, currency: Currency): number | null {
  if (/^\p{Sc}?0+(\.0+)?$/u.test(token)) return 0;
  const parsed = parseAmount(token, currency);
  return parsed.ok && parsed.sign !== "-" ? parsed.minorUnits : null;
}

function splitAt(words: string[], index: number): { ref: string; reason: string } {
  return { ref: words.slice(0, index).join(" "), reason: words.slice(index + 1).join(" ") };
}

function checkReason(reason: string, usage: string): string {
  if (reason === "")
    throw new AppError("invalid_input", `Give a reason after the amount: \`${usage}\`.`);
  if (reason.length > maxReasonLength)
    throw new AppError(
      "invalid_input",
      `The reason is ${reason.length} characters; the most is ${maxReasonLength}.`,
    );
  return reason;
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
    return { ref: words.join(" ") };
  }
  const { ref, reason } = splitAt(words, index);
  const parsed = parseAmount(words[index] ?? "", currency);
  if (!parsed.ok) throw new AppError("invalid_input", parsed.message);
  return {
    ref,
    amount: parsed.sign === "-" ? -parsed.minorUnits : parsed.minorUnits,
    reason: checkReason(reason, "/customer balance REF +50 refund for outage"),
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
    return { ref: words.join(" ") };
  }
  const target = parseTarget(words[index] ?? "", currency);
  if (target === null) {
    const parsed = parseAmount(words[index] ?? "", currency);
    throw new AppError(
      "invalid_input",
      parsed.ok ? "The target must not be negative." : parsed.message,
    );
  }
  const { ref, reason } = splitAt(words, index);
  return {
    ref,
    amount: target,
    reason: checkReason(reason, "/customer credits REF 20 welcome bonus"),
  };
}

export { parseTarget };
