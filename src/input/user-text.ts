import { AppError } from "../errors/app-error.js";

const zeroWidth = /[\u200B-\u200D\u2060\uFEFF]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control characters is the point
const controlCharacter = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

/** True when `text` holds control characters other than tab and line breaks (which typed text may have). */
export function hasControlCharacters(text: string): boolean {
  return controlCharacter.test(text);
}

/**
 * Normalizes text a person typed: Unicode NFC, zero-width characters removed (they are invisible and
 * would make look-alike accounts), runs of whitespace folded. Control characters are refused, and so
 * are bidirectional controls (they visually reorder what is shown).
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
