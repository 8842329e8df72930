import { describe, expect, it } from "vitest";
import { generatePassword, hashPassword, verifyPassword } from "../../src/security/password.js";
import { hashToken, newToken } from "../../src/security/tokens.js";

describe("generated passwords", () => {
  it("are 20 characters with every kind of character and no look-alikes, and differ every time", () => {
    const passwords = Array.from({ length: 200 }, () => generatePassword());
    for (const password of passwords) {
      expect(password).toHaveLength(20);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).not.toMatch(/[0O1lIoS5Z2B8|]/);
    }
    expect(new Set(passwords).size).toBe(passwords.length);
  });
});

describe("password hashes", () => {
  it("are self-describing scrypt PHC strings that verify the password and nothing else", async () => {
    const hash = await hashPassword("Correct-Horse-9");
    expect(hash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword("Correct-Horse-9", hash)).toBe(true);
    expect(await verifyPassword("Correct-Horse-8", hash)).toBe(false);
    expect(await verifyPassword("Correct-Horse-9", "$argon2id$v=19$nonsense")).toBe(false);
    expect(await hashPassword("Correct-Horse-9")).not.toBe(hash);
  });
});

describe("tokens", () => {
  it("are long and random, and stored as a SHA-256 that does not reveal them", () => {
    const token = newToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toContain(token);
    expect(newToken()).not.toBe(token);
  });
});
