/** Parses `90s`, `15m`, `24h`, `7d` or a bare number of seconds into milliseconds; null if invalid. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+)\s*(s|m|h|d)?$/i.exec(text.trim());
  if (!match) return null;
  const value = Number(match[1]);
  const unit = (match[2] ?? "s").toLowerCase();
  const seconds = { s: 1, m: 60, h: 3600, d: 86400 }[unit] ?? 1;
  const ms = value * seconds * 1000;
  return ms > 0 ? ms : null;
}
