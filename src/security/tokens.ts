import { createHash, randomBytes } from "node:crypto";

/** An unguessable token for links and opaque button references: 32 random bytes, base64url. */
export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** What is stored instead of a token: its SHA-256, hex. A token has enough entropy that no salt is needed. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
