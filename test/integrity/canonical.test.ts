import { createHash } from "node:crypto";
import { ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import { canonical } from "../../src/hash-chain/canonical.js";
import { chainHash, genesisHash, linkAfter, linkAll } from "../../src/hash-chain/chain.js";
import { ledgerUnhashedFields } from "../../src/ledger/ledger-entry.js";

/** README “The ledger's hash chain”: the example entry, its canonical form and its hash. */
const readmeEntry = {
  customerId: "CUS-7K2M9Q4X",
  kind: "balance.refill",
  amount: 2500,
  after: 2500,
  currency: "USD",
  actorId: "U0SUPPORT",
  approvedBy: null,
  approvalId: null,
  reason: "Top-up café",
  idempotencyKey: "command:1234.5678",
  at: new Date("2026-05-04T09:30:00.000Z"),
};
const readmeCanonical =
  '{"actorId":"U0SUPPORT","after":2500,"amount":2500,"approvalId":null,"approvedBy":null,"at":"2026-05-04T09:30:00.000Z","currency":"USD","customerId":"CUS-7K2M9Q4X","idempotencyKey":"command:1234.5678","kind":"balance.refill","prevHash":"0000000000000000000000000000000000000000000000000000000000000000","reason":"Top-up café","seq":1}';
const readmeHash = "07710fc8645a46bb5f99634def99964c8f978ee05f6e192e9d4f334e1e94c17f";
const readmeSecondHash = "dbad7f32ddaaeec6c782c405fcecf592411e59ce123aff517c0f97d7c99fdad2";

describe("the canonical encoding", () => {
  it("sorts keys at every level, omits undefined fields, writes dates as ISO UTC and ObjectIds as hex", () => {
    expect(
      canonical({
        b: 1,
        a: 'x"y\n',
        c: { z: [true, undefined, null], y: -7 },
        d: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)),
        gone: undefined,
        id: new ObjectId("65f0a1b2c3d4e5f601234567"),
        Z: "upper case sorts first",
      }),
    ).toBe(
      '{"Z":"upper case sorts first","a":"x\\"y\\n","b":1,"c":{"y":-7,"z":[true,null,null]},"d":"2026-01-02T03:04:05.006Z","id":"65f0a1b2c3d4e5f601234567"}',
    );
  });

  it("keeps strings exactly as stored (no Unicode normalisation) and refuses what it cannot encode", () => {
    expect(canonical("e\u0301")).not.toBe(canonical("é"));
    expect(() => canonical(Number.NaN)).toThrow(/cannot encode the number NaN/);
    expect(() => canonical({ big: 10n })).toThrow(/cannot encode a bigint/);
    expect(() => canonical(new Map())).toThrow(/cannot encode a Map/);
    expect(() => canonical(new Date(Number.NaN))).toThrow(/invalid date/);
  });

  it("writes every string and field name exactly as JSON.stringify does", () => {
    const strings = [
      "",
      "plain ascii",
      'quote " and backslash \\',
      "controls \u0000 \u0007 \b \t \n \r \u001f and DEL \u007f",
      "line separators \u2028 \u2029",
      "emoji 😀 (a surrogate pair)",
      "lone high \ud83d and lone low \ude00",
      "é and e\u0301",
    ];
    for (const text of strings) {
      expect(canonical(text)).toBe(JSON.stringify(text));
      expect(canonical({ [text]: 1 })).toBe(`{${JSON.stringify(text)}:1}`);
    }
  });
});

describe("the chain hash", () => {
  it("is the README example: sha256_hex(prevHash + newline + canonical(entry with seq and prevHash))", () => {
    const first = linkAfter(null, readmeEntry);
    const { hash, ...hashed } = first;
    expect(canonical(hashed)).toBe(readmeCanonical);
    expect(hash).toBe(
      createHash("sha256").update(`${genesisHash}\n${readmeCanonical}`).digest("hex"),
    );
    expect(hash).toBe(readmeHash);
    expect(first).toMatchObject({ seq: 1, prevHash: genesisHash });

    const second = linkAfter(
      { seq: 1, hash },
      {
        ...readmeEntry,
        kind: "balance.deduct",
        amount: -700,
        after: 1800,
        reason: "refund",
        idempotencyKey: "command:1234.5679",
        at: new Date("2026-05-04T10:00:00.000Z"),
      },
    );
    expect(second).toMatchObject({ seq: 2, prevHash: readmeHash, hash: readmeSecondHash });
  });

  it("recomputes the same from the stored document, whatever its _id, and changes with any field", () => {
    const link = linkAfter(null, readmeEntry);
    const stored = { _id: new ObjectId(), ...link };
    expect(chainHash(stored)).toBe(link.hash);
    expect(chainHash({ ...stored, amount: 2501 })).not.toBe(link.hash);
    expect(chainHash({ ...stored, seq: 2 })).not.toBe(link.hash);
    expect(chainHash({ ...stored, note: "added later" })).not.toBe(link.hash);
  });

  it("leaves a ledger entry's reversedBy out of its hash (set after it was chained), and nothing else", () => {
    const link = linkAfter(null, readmeEntry);
    const reversed = { ...link, reversedBy: "0123456789abcdef01234567" };
    expect(chainHash(reversed, ledgerUnhashedFields)).toBe(link.hash);
    expect(chainHash(reversed)).not.toBe(link.hash);
    const withLink = { ...link, reverses: "0123456789abcdef01234567" };
    expect(chainHash(withLink, ledgerUnhashedFields)).not.toBe(link.hash);
  });

  it("chains a list in order, each link on the one before", () => {
    const { linked, head } = linkAll({ seq: 4, hash: "a".repeat(64) }, [{ n: 1 }, { n: 2 }]);
    expect(linked.map((link) => [link.seq, link.prevHash])).toEqual([
      [5, "a".repeat(64)],
      [6, linked[0]?.hash],
    ]);
    expect(head).toEqual({ seq: 6, hash: linked[1]?.hash });
  });
});
