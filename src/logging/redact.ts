/** Keys whose values never reach a log line, whatever object they are nested in. */
const sensitiveKey = /pass(word)?|secret|token|authorization|cookie|hash|private_metadata/i;
/** Slack tokens and PHC password hashes inside free text. */
const sensitiveText =
  /\b(xox[abpors]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|\$(scrypt|argon2id?)\$[^\s"']+)/g;

export const redacted = "[redacted]";

/** Returns a copy of a log object with sensitive keys and token-like strings replaced. */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return value.replace(sensitiveText, redacted);
  if (value === null || typeof value !== "object" || depth > 8) return value;
  if (value instanceof Error) return scrubError(value, depth);
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  if (value instanceof Date) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    copy[key] =
      sensitiveKey.test(key) && inner !== undefined && inner !== null
        ? redacted
        : scrub(inner, depth + 1);
  }
  return copy;
}

function scrubError(error: Error, depth: number): Record<string, unknown> {
  const fields = scrub({ ...error }, depth + 1) as Record<string, unknown>;
  return {
    type: error.name,
    message: scrub(error.message),
    stack: typeof error.stack === "string" ? scrub(error.stack) : undefined,
    ...fields,
  };
}
