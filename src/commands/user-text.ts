import { AppError } from "../errors/app-error.js";

const zeroWidth = /[\u200B-\u200D\u2060\uFEFF]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control characters is the point
const controlCharacter = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

/**
 * Normalizes text a person typed: Unicode NFC, zero-width characters removed (they are invisible and
 * would make look-alike accounts), runs of whitespace folded. Control characters are refused.
 */
export function normalizeUserText(text: string, what: string): string {
  const cleaned = text.normalize("NFC").replace(zeroWidth, "");
  if (controlCharacter.test(cleaned)) {
    throw new AppError(
      "invalid_input",
      `The ${what} contains control characters; type it as plain text.`,
    );
  }
  return cleaned.replace(/\s+/g, " ").trim();
}
