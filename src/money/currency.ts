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

const symbols = new Map<string, string>();

/** The symbol formatMoney shows for the currency: "$" for USD, "¥" for JPY, "CA$" for CAD. */
export function symbolOf(currency: Currency): string {
  let symbol = symbols.get(currency.code);
  if (symbol === undefined) {
    const parts = new Intl.NumberFormat("en-US", {
      style: "currency",
      currency: currency.code,
    }).formatToParts(1);
    symbol = parts.find((part) => part.type === "currency")?.value ?? currency.code;
    symbols.set(currency.code, symbol);
  }
  return symbol;
}

const formatters = new Map<string, Intl.NumberFormat>();

/** `formatMoney(123450, usd)` → "$1,234.50". */
export function formatMoney(minorUnits: number, currency: Currency): string {
  let formatter = formatters.get(currency.code);
  if (!formatter) {
    formatter = new Intl.NumberFormat("en-US", {
      style: "currency",
      currency: currency.code,
      minimumFractionDigits: currency.digits,
      maximumFractionDigits: currency.digits,
    });
    formatters.set(currency.code, formatter);
  }
  return formatter.format(minorUnits / 10 ** currency.digits);
}
