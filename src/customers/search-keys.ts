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
/** The same split for ASCII text, where \p{L} and \p{N} are exactly these (the faster regex). */
const asciiNotLetterOrDigit = /[^A-Za-z0-9]+/;
const localPartSeparators = /[._+-]+/;
const domainLabelSeparator = /\./;

/** A key for `keys` (cut to the longest a key may be); empty pieces of a split are none. */
function addKey(keys: Set<string>, key: string): void {
  if (key) keys.add(key.length > maxKeyLength ? key.slice(0, maxKeyLength) : key);
}

function addAll(keys: Set<string>, text: string, separator: RegExp): void {
  for (const piece of text.split(separator)) addKey(keys, piece);
}

/** A name's words: as typed between spaces (`o'brien`, `.*`) and split at every other character. */
function addNameWords(keys: Set<string>, name: string): void {
  if (!name) return;
  const separator = asciiOnly.test(name) ? asciiNotLetterOrDigit : notLetterOrDigit;
  for (const word of name.split(whitespace)) {
    if (!word) continue;
    addKey(keys, word);
    addAll(keys, word, separator);
  }
}

/** The account whole, its local part (whole and split at . _ - +), its domain and each label. */
function addAccountKeys(keys: Set<string>, account: string): void {
  addKey(keys, account);
  const at = account.lastIndexOf("@");
  if (at < 0) {
    addAll(keys, account, localPartSeparators);
    return;
  }
  const local = account.slice(0, at);
  const domain = account.slice(at + 1);
  addKey(keys, local);
  addAll(keys, local, localPartSeparators);
  addKey(keys, domain);
  addAll(keys, domain, domainLabelSeparator);
}

function addCustomerIdKeys(keys: Set<string>, customerId: string): void {
  addKey(keys, customerId);
  if (customerId.startsWith(customerIdPrefix))
    addKey(keys, customerId.slice(customerIdPrefix.length));
}

/**
 * The normalised keys a customer is found by: a query word matches when it is a prefix of one of
 * them. Sorted and without duplicates.
 */
export function searchKeysOf(source: SearchKeySource): string[] {
  const keys = new Set<string>();
  addAccountKeys(keys, normaliseSearchText(source.account));
  addCustomerIdKeys(keys, normaliseSearchText(source.customerId));
  addNameWords(keys, normaliseSearchText(source.teamName ?? ""));
  addNameWords(keys, normaliseSearchText(source.companyName ?? ""));
  return [...keys].sort();
}

/** The words of search text (normalised, split at spaces, duplicates dropped): each must prefix a key. */
export function searchWordsOf(text: string): string[] {
  return [...new Set(words(normaliseSearchText(text), whitespace))];
}
