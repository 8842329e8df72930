/** Keys whose values never reach a log line, whatever object they are nested in. */
const sensitiveKey = /pass(word)?|secret|token|authorization|cookie|hash|private_metadata/i;
/**
 * Slack tokens and PHC password hashes (`$scrypt$…`, `$argon2id$v=19$…`, see security/password.ts)
 * inside free text. A hash starts at its `$` wherever it stands: `\b` would need a word character
 * before it, so it never matched after a space or a quote.
 */
const sensitiveText =
  /\b(?:xox[abpors]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+)|\$(?:scrypt|argon2(?:id|i|d)?)\$[^\s"'`]+/g;

export const redacted = "[redacted]";
/** What stands for an object nested deeper than `maxDepth`: never read, so never logged. */
const tooDeep = "[redacted: too deep]";
const circular = "[circular]";
/** Far deeper than any log object we write; a bound so a hostile payload cannot exhaust the stack. */
const maxDepth = 100;

/**
 * Returns a copy of a log object with sensitive keys and token-like strings replaced, at every depth:
 * what lies deeper than `maxDepth` is replaced whole, and an object met again inside itself is
 * `[circular]`.
 */
export function scrub(value: unknown): unknown {
  return scrubAt(value, 0, new WeakSet());
}

function scrubAt(value: unknown, depth: number, ancestors: WeakSet<object>): unknown {
  if (typeof value === "string") return value.replace(sensitiveText, redacted);
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  if (depth > maxDepth) return tooDeep;
  if (ancestors.has(value)) return circular;
  ancestors.add(value);
  try {
    if (value instanceof Error) return scrubError(value, depth, ancestors);
    if (Array.isArray(value)) return value.map((item) => scrubAt(item, depth + 1, ancestors));
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      copy[key] =
        sensitiveKey.test(key) && inner !== undefined && inner !== null
          ? redacted
          : scrubAt(inner, depth + 1, ancestors);
    }
    return copy;
  } finally {
    ancestors.delete(value);
  }
}

function scrubError(
  error: Error,
  depth: number,
  ancestors: WeakSet<object>,
): Record<string, unknown> {
  const fields = scrubAt({ ...error }, depth + 1, ancestors) as Record<string, unknown>;
  return {
    type: error.name,
    message: scrubAt(error.message, depth, ancestors),
    stack: typeof error.stack === "string" ? scrubAt(error.stack, depth, ancestors) : undefined,
    ...fields,
  };
}
