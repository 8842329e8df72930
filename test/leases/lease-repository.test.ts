import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LeaseRepository } from "../../src/leases/lease-repository.js";
import { openTestDatabase } from "../support/mongo/test-database.js";

const database = await openTestDatabase();
const at = new Date("2026-05-04T09:30:00.000Z");
const later = (ms: number) => new Date(at.getTime() + ms);
let leases: LeaseRepository;

beforeAll(() => {
  leases = new LeaseRepository(database.db);
});
afterAll(() => database.drop());

describe("LeaseRepository", () => {
  it("of two instances racing for a free lease, exactly one holds it", async () => {
    for (let round = 0; round < 5; round += 1) {
      const name = `race-${round}`;
      const taken = await Promise.all([
        leases.acquire(name, "instance-a", 60_000, at),
        leases.acquire(name, "instance-b", 60_000, at),
      ]);
      expect(taken.filter(Boolean)).toHaveLength(1);
    }
  });

  it("the holder renews it; nobody else takes it before it ends", async () => {
    expect(await leases.acquire("renewed", "instance-a", 60_000, at)).toBe(true);
    expect(await leases.acquire("renewed", "instance-b", 60_000, later(30_000))).toBe(false);
    expect(await leases.acquire("renewed", "instance-a", 60_000, later(50_000))).toBe(true);
    // Renewed at +50 s, so still held at +90 s.
    expect(await leases.acquire("renewed", "instance-b", 60_000, later(90_000))).toBe(false);
  });

  it("once a lease ends without renewal, another instance takes it over", async () => {
    expect(await leases.acquire("expiring", "instance-a", 60_000, at)).toBe(true);
    expect(await leases.acquire("expiring", "instance-b", 60_000, later(60_000))).toBe(true);
    expect(await leases.acquire("expiring", "instance-a", 60_000, later(61_000))).toBe(false);
  });

  it("a released lease is free at once; only its holder can release it", async () => {
    expect(await leases.acquire("released", "instance-a", 60_000, at)).toBe(true);
    await leases.release("released", "instance-b");
    expect(await leases.acquire("released", "instance-b", 60_000, at)).toBe(false);
    await leases.release("released", "instance-a");
    expect(await leases.acquire("released", "instance-b", 60_000, at)).toBe(true);
  });

  it("a pause one holder sets (e.g. Slack's Retry-After) binds the next holder, after a release or an expiry", async () => {
    expect(await leases.claim("paused", "instance-a", 10_000, at)).toEqual({ notBefore: at });
    expect(
      await leases.hold("paused", "instance-a", { until: later(20_000), notBefore: later(5_000) }),
    ).toBe(true);
    expect(await leases.claim("paused", "instance-b", 10_000, later(1_000))).toBeNull();
    await leases.release("paused", "instance-a");
    expect(await leases.claim("paused", "instance-b", 10_000, later(1_000))).toEqual({
      notBefore: later(5_000),
    });
    // instance-a lost it: its hold is refused and changes nothing.
    expect(
      await leases.hold("paused", "instance-a", { until: later(90_000), notBefore: later(0) }),
    ).toBe(false);
    expect(await leases.claim("paused", "instance-c", 10_000, later(12_000))).toEqual({
      notBefore: later(5_000),
    });
  });
});
