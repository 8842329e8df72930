import { randomBytes, randomInt, scrypt, timingSafeEqual } from "node:crypto";

/** Letters and digits without look-alikes (0/O/o, 1/l/I, 5/S, 2/Z, 8/B) plus a few unambiguous symbols. */
const lower = "abcdefghijkmnpqrstuvwxyz";
const upper = "ACDEFGHJKLMNPQRTUVWXY";
const digits = "34679";
const symbols = "!#%+=?@";
const alphabet = lower + upper + digits + symbols;

export const passwordLength = 20;

/** A new password: cryptographically random, 20 characters, at least one of each kind, no look-alikes. */
export function generatePassword(length = passwordLength): string {
  const required = [lower, upper, digits, symbols].map(
    (set) => set[randomInt(set.length)] as string,
  );
  const rest = Array.from(
    { length: length - required.length },
    () => alphabet[randomInt(alphabet.length)] as string,
  );
  const characters = [...required, ...rest];
  for (let i = characters.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [characters[i], characters[j]] = [characters[j] as string, characters[i] as string];
  }
  return characters.join("");
}

/** scrypt cost: N = 2^15, r = 8, p = 1 (OWASP's minimum recommendation for scrypt). */
const cost = { ln: 15, r: 8, p: 1 } as const;
const keyLength = 32;

function scryptAsync(
  password: string,
  salt: Buffer,
  params: { ln: number; r: number; p: number },
): Promise<Buffer> {
  const N = 2 ** params.ln;
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize("NFC"),
      salt,
      keyLength,
      { N, r: params.r, p: params.p, maxmem: 256 * N * params.r },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

const b64 = (buffer: Buffer) => buffer.toString("base64").replace(/=+$/, "");

/**
 * Hashes a password as a PHC string: `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (salt and hash in
 * unpadded standard base64, 16-byte salt, 32-byte key) — the format passlib and most PHC-aware
 * libraries read, so the console can verify it with any of them.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, cost);
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${b64(salt)}$${b64(key)}`;
}

/** Verifies a password against a PHC scrypt string, in constant time. */
export async function verifyPassword(password: string, phc: string): Promise<boolean> {
  const match = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(
    phc,
  );
  if (!match) return false;
  const [, ln, r, p, salt, hash] = match;
  const expected = Buffer.from(hash as string, "base64");
  const key = await scryptAsync(password, Buffer.from(salt as string, "base64"), {
    ln: Number(ln),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
