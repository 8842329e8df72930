/** Money is kept in integer minor units (cents); this module knows how many a currency has. */
export interface Currency {
  readonly code: string;
  /** Number of minor-unit digits: 2 for USD, 0 for JPY, 3 for KWD. */
  readonly digits: number;
}

const knownCodes = new Set(Intl.supportedValuesOf("currency"));

export function isKnownCurrency(code: string): boolean {
  return knownCodes.has(code);
}

export function currencyOf(code: string): Currency {
  const digits = new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: code,
  }).resolvedOptions().maximumFractionDigits;
  return { code, digits: digits ?? 2 };
}

const formatters = new Map<string, Intl.NumberFormat>();

/** The currency's digits, with its symbol (`style: "currency"`) or without (`"decimal"`). */
function formatterOf(currency: Currency, style: "currency" | "decimal"): Intl.NumberFormat {
  const key = `${style} ${currency.code}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat("en-US", {
      style,
      currency: currency.code,
      minimumFractionDigits: currency.digits,
      maximumFractionDigits: currency.digits,
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** `formatMoney(123450, usd)` → "$1,234.50". */
export function formatMoney(minorUnits: number, currency: Currency): string {
  return formatterOf(currency, "currency").format(minorUnits / 10 ** currency.digits);
}

/** Minor units as someone types them in a form, without sign or symbol: `typedAmount(125050, usd)` → "1,250.50". */
export function typedAmount(minorUnits: number, currency: Currency): string {
  return formatterOf(currency, "decimal").format(minorUnits / 10 ** currency.digits);
}

/** The symbol formatMoney shows: "$" for USD, "¥" for JPY, "CA$" for CAD. */
export function symbolOf(currency: Currency): string {
  const parts = formatterOf(currency, "currency").formatToParts(0);
  return parts.find((part) => part.type === "currency")?.value ?? currency.code;
}
