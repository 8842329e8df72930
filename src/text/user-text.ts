import { z } from "zod";
import { AppError } from "../errors/app-error.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const refusedCharacter = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
/**
 * Characters that show nothing: format characters (zero-width spaces and joiners, the soft hyphen,
 * direction marks, invisible operators, tags…) and the blank-looking Hangul fillers and Braille blank.
 */
const invisibleCharacter = /[\p{Cf}\u115F\u1160\u3164\uFFA0\u2800]/gu;
/** A combining mark alone shows nothing: it needs a base character. */
const visibleCharacter = /[\p{L}\p{N}\p{P}\p{S}]/u;

/**
 * The one normaliser of text a person typed, in commands and forms alike: Unicode NFC, characters
 * that show nothing removed (they would make look-alike accounts, and reasons that say nothing),
 * trimmed; with `oneLine`, runs of whitespace folded into one space. Returns null when the text holds
 * control characters other than tab and line feed, or bidirectional controls (they visually reorder
 * what is shown): those are refused, not removed.
 */
export function cleanUserText(text: string, { oneLine = false } = {}): string | null {
  const normalized = text.normalize("NFC");
  if (refusedCharacter.test(normalized)) return null;
  const cleaned = normalized.replace(invisibleCharacter, "");
  return (oneLine ? cleaned.replace(/\s+/g, " ") : cleaned).trim();
}

/** cleanUserText for a whole command: one line, and an AppError saying so for control characters. */
export function normalizeUserText(text: string, what: string): string {
  const cleaned = cleanUserText(text, { oneLine: true });
  if (cleaned === null)
    throw new AppError(
      "invalid_input",
      `The ${what} contains control characters; type it as plain text.`,
    );
  return cleaned;
}

export interface TypedTextRules {
  /** Said when nothing is left once cleaned (or no text is sent), unless the text is `optional`. */
  required: string;
  optional?: boolean;
  /** Said when what is left shows nothing (combining marks alone, private-use characters). */
  invisible: string;
  /** Said for control characters, and for tabs and line breaks unless the text is `multiline`. */
  controlCharacters: string;
  multiline?: boolean;
  max: number;
  tooLong: (length: number) => string;
}

/** zod for a field a person typed: the text as cleanUserText makes it, checked by `rules`. */
export function typedTextSchema(rules: TypedTextRules) {
  return z.string({ error: rules.required }).transform((text, ctx) => {
    const cleaned = rules.multiline || !/[\t\n]/.test(text) ? cleanUserText(text) : null;
    const problem = textProblem(cleaned, rules);
    if (problem === undefined) return cleaned ?? "";
    ctx.addIssue({ code: "custom", message: problem });
    return z.NEVER;
  });
}

function textProblem(cleaned: string | null, rules: TypedTextRules): string | undefined {
  if (cleaned === null) return rules.controlCharacters;
  if (cleaned === "") return rules.optional ? undefined : rules.required;
  if (!visibleCharacter.test(cleaned)) return rules.invisible;
  if (cleaned.length > rules.max) return rules.tooLong(cleaned.length);
  return undefined;
}
