/** What a customer's search keys are made of. */
export interface SearchKeySource {
  account: string;
  customerId: string;
  teamName?: string | null;
  companyName?: string | null;
}

/** Longer keys are cut: an index key must stay small, and no query word is longer (200). */
const maxKeyLength = 200;
const customerIdPrefix = "cus-";

// biome-ignore lint/suspicious/noControlCharactersInRegex: any ASCII character, control ones included
const asciiOnly = /^[\u0000-\u007F]*$/;

/** Lower-case, NFKC, accents folded (`Ñúñez` → `nunez`): keys and query words alike. */
export function normaliseSearchText(text: string): string {
  // ASCII is its own NFKC and NFD and has no marks: only the case changes (most names, every import row).
  if (asciiOnly.test(text)) return text.toLowerCase();
  return text
    .normalize("NFKC")
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .normalize("NFC")
    .toLowerCase();
}

const words = (text: string, separator: RegExp) => text.split(separator).filter(Boolean);
const whitespace = /\s+/u;
const notLetterOrDigit = /[^\p{L}\p{N}]+/u;

/** A name's words: as typed between spaces (`o'brien`, `.*`) and split at every other character. */
function nameWords(name: string): string[] {
  return words(name, whitespace).flatMap((word) => [word, ...words(word, notLetterOrDigit)]);
}

/** The account whole, its local part (whole and split at . _ - +), its domain and each label. */
function accountKeys(account: string): string[] {
  const at = account.lastIndexOf("@");
  if (at < 0) return [account, ...words(account, /[._+-]+/)];
  const local = account.slice(0, at);
  const domain = account.slice(at + 1);
  return [account, local, ...words(local, /[._+-]+/), domain, ...words(domain, /\./)];
}

function customerIdKeys(customerId: string): string[] {
  return customerId.startsWith(customerIdPrefix)
    ? [customerId, customerId.slice(customerIdPrefix.length)]
    : [customerId];
}

/**
 * The normalised keys a customer is found by: a query word matches when it is a prefix of one of
 * them. Sorted and without duplicates.
 */
export function searchKeysOf(source: SearchKeySource): string[] {
  const keys = new Set<string>();
  const add = (found: string[]) => {
    for (const key of found) if (key) keys.add(key.slice(0, maxKeyLength));
  };
  add(accountKeys(normaliseSearchText(source.account)));
  add(customerIdKeys(normaliseSearchText(source.customerId)));
  add(nameWords(normaliseSearchText(source.teamName ?? "")));
  add(nameWords(normaliseSearchText(source.companyName ?? "")));
  return [...keys].sort();
}

/** The words of search text (normalised, split at spaces, duplicates dropped): each must prefix a key. */
export function searchWordsOf(text: string): string[] {
  return [...new Set(words(normaliseSearchText(text), whitespace))];
}
