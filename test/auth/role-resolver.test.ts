import { afterAll, describe, expect, it } from "vitest";
import { RoleNotKnownYet, RoleResolver } from "../../src/auth/role-resolver.js";
import { can } from "../../src/auth/roles.js";
import { UsergroupMembershipRepository } from "../../src/auth/usergroup-membership-repository.js";
import { createLogger } from "../../src/logging/logger.js";
import { openTestDatabase } from "../support/mongo/test-database.js";

const config = {
  support: { userIds: ["USUP"], usergroupIds: ["SSUP"] },
  manager: { userIds: ["UMAN"], usergroupIds: ["SMAN"] },
  admin: { userIds: ["UADM"], usergroupIds: [] },
  cacheTtlMs: 60_000,
};

/** A fake Slack: `members` per group, `failing` groups throw, `hanging` groups never answer until released. */
function directory(members: Record<string, string[]>) {
  const lookups: string[] = [];
  const failing = new Set<string>();
  const hanging = new Map<string, () => void>();
  const slow = new Set<string>();
  return {
    lookups,
    failing,
    slow,
    /** Lets the slow groups' look-ups answer now. */
    release: () => {
      for (const answer of hanging.values()) answer();
      hanging.clear();
    },
    usergroups: {
      users: {
        list: async ({ usergroup }: { usergroup: string }) => {
          lookups.push(usergroup);
          if (slow.has(usergroup))
            await new Promise<void>((resolve) => hanging.set(usergroup, resolve));
          if (failing.has(usergroup)) throw new Error("slack down");
          return { users: members[usergroup] ?? [] };
        },
      },
    },
  };
}

const logger = createLogger({ level: "silent", pretty: false });
const at = new Date("2026-05-04T09:30:00.000Z");

async function setUp(options: { stored?: Record<string, string[]> } = {}) {
  const database = await openTestDatabase();
  const store = new UsergroupMembershipRepository(database.db);
  for (const [groupId, members] of Object.entries(options.stored ?? {}))
    await store.storeRead(groupId, members, at);
  return { database, store };
}

const databases: { drop(): Promise<void> }[] = [];
afterAll(() => Promise.all(databases.map((database) => database.drop())));

async function resolverWith(
  stored: Record<string, string[]> | undefined,
  slack: Record<string, string[]>,
  options: { now?: () => number; memoryCacheMs?: number; firstLookupMs?: number } = {},
) {
  const { database, store } = await setUp({ stored });
  databases.push(database);
  const dir = directory(slack);
  const resolver = new RoleResolver(config, store, dir, logger, options);
  return { resolver, dir, store };
}

describe("RoleResolver", () => {
  it("gives roles from user IDs and stored user groups, the highest winning, without calling Slack", async () => {
    const { resolver, dir } = await resolverWith(
      { SSUP: ["UGRP", "UMAN"], SMAN: ["UBOTH"] },
      { SSUP: ["USOMEONEELSE"] },
    );
    expect(await resolver.roleOf("USUP")).toBe("support");
    expect(await resolver.roleOf("UGRP")).toBe("support");
    expect(await resolver.roleOf("UMAN")).toBe("manager");
    expect(await resolver.roleOf("UBOTH")).toBe("manager");
    expect(await resolver.roleOf("UADM")).toBe("admin");
    expect(await resolver.roleOf("UNOBODY")).toBeNull();
    expect(dir.lookups).toEqual([]);
  });

  it("a burst of requests reads the stored groups once, then again after the short memory cache", async () => {
    let now = 0;
    const { resolver, store } = await resolverWith(
      { SSUP: ["UGRP"], SMAN: [] },
      {},
      { now: () => now, memoryCacheMs: 3000 },
    );
    let reads = 0;
    const findMany = store.findMany.bind(store);
    store.findMany = (groupIds) => {
      reads += 1;
      return findMany(groupIds);
    };
    await Promise.all(Array.from({ length: 20 }, () => resolver.roleOf("UGRP")));
    expect(reads).toBe(1);
    now = 3001;
    await resolver.roleOf("UGRP");
    expect(reads).toBe(2);
  });

  it("past the memory cache, a stalled MongoDB read never holds a request: the last copy answers while the read runs", async () => {
    let now = 0;
    const { resolver, store } = await resolverWith(
      { SSUP: ["UGRP"], SMAN: [] },
      {},
      { now: () => now, memoryCacheMs: 3000 },
    );
    expect(await resolver.roleOf("UGRP")).toBe("support");
    const findMany = store.findMany.bind(store);
    let answer: () => void = () => {};
    store.findMany = async (groupIds) => {
      await new Promise<void>((resolve) => {
        answer = resolve;
      });
      return findMany(groupIds);
    };
    await store.storeRead("SMAN", ["UGRP"], at);
    now = 3001;

    expect(await resolver.roleOf("UGRP")).toBe("support");
    answer();
    await expect.poll(() => resolver.roleOf("UGRP")).toBe("manager");
  });

  it("with no usable copy (first use, or a change from Slack since), a stalled read is waited for at most firstLookupMs", async () => {
    const { resolver, store } = await resolverWith(
      { SSUP: ["UGRP"], SMAN: [] },
      {},
      {
        firstLookupMs: 50,
      },
    );
    expect(await resolver.roleOf("UGRP")).toBe("support");
    await resolver.membersChanged("SSUP", { added: [], removed: ["UGRP"] });
    store.findMany = () => new Promise(() => {});

    const started = Date.now();
    await expect(resolver.roleOf("UGRP")).rejects.toBeInstanceOf(RoleNotKnownYet);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("a group never stored is read from Slack once, on the first request, and stored for everyone", async () => {
    const { resolver, dir, store } = await resolverWith(undefined, {
      SSUP: ["UGRP"],
      SMAN: ["UBOSS"],
    });
    const [first, second] = await Promise.all([resolver.roleOf("UGRP"), resolver.roleOf("UBOSS")]);
    expect([first, second]).toEqual(["support", "manager"]);
    expect(dir.lookups.sort()).toEqual(["SMAN", "SSUP"]);
    expect((await store.findMany(["SSUP", "SMAN"])).map((m) => m.groupId).sort()).toEqual([
      "SMAN",
      "SSUP",
    ]);
    await resolver.roleOf("UGRP");
    expect(dir.lookups).toHaveLength(2);
  });

  it("when that first look-up is slow, the request waits at most 1 s and is asked to try again, not refused", async () => {
    const { resolver, dir, store } = await resolverWith(undefined, { SSUP: ["UGRP"], SMAN: [] });
    dir.slow.add("SSUP");
    const started = performance.now();
    const error = await resolver.roleOf("UGRP").catch((e: unknown) => e);
    const waitedMs = performance.now() - started;

    expect(error).toBeInstanceOf(RoleNotKnownYet);
    expect((error as RoleNotKnownYet).userMessage).toMatch(/try again in a moment/);
    expect(waitedMs).toBeGreaterThanOrEqual(950);
    expect(waitedMs).toBeLessThan(2000);

    // The look-up went on and stored its answer: the next request is answered from the store.
    dir.release();
    await expect.poll(async () => (await store.findMany(["SSUP"])).length).toBe(1);
    expect(await resolver.roleOf("UGRP")).toBe("support");
    expect(dir.lookups.filter((group) => group === "SSUP")).toHaveLength(1);
  });

  it("a failed first look-up asks to try again, and the next request looks again", async () => {
    const { resolver, dir } = await resolverWith(undefined, { SSUP: ["UGRP"], SMAN: [] });
    dir.failing.add("SSUP");
    await expect(resolver.roleOf("UGRP")).rejects.toBeInstanceOf(RoleNotKnownYet);
    dir.failing.delete("SSUP");
    expect(await resolver.roleOf("UGRP")).toBe("support");
  });

  it("does not wait for a group that could give no more than the role already found", async () => {
    // Only SSUP is unknown; UMAN is a manager by ID, so support could add nothing.
    const { resolver, dir } = await resolverWith({ SMAN: [] }, { SSUP: [] });
    dir.slow.add("SSUP");
    expect(await resolver.roleOf("UMAN")).toBe("manager");
    expect(dir.lookups).toEqual([]);
  });

  it("a member change from Slack takes effect on the next request, with no Slack call", async () => {
    const { resolver, dir } = await resolverWith({ SSUP: ["UGRP"], SMAN: [] }, {});
    expect(await resolver.roleOf("UGRP")).toBe("support");

    await resolver.membersChanged("SSUP", { added: ["UNEW"], removed: ["UGRP"] });

    expect(await resolver.roleOf("UGRP")).toBeNull();
    expect(await resolver.roleOf("UNEW")).toBe("support");
    expect(dir.lookups).toEqual([]);
  });

  it("a group update with its members replaces them; one without is read again from Slack", async () => {
    const { resolver, dir } = await resolverWith(
      { SSUP: ["UGRP"], SMAN: [] },
      { SMAN: ["UPROMOTED"] },
    );
    await resolver.groupUpdated("SSUP", ["UOTHER"]);
    expect(await resolver.roleOf("UGRP")).toBeNull();
    expect(await resolver.roleOf("UOTHER")).toBe("support");

    await resolver.groupUpdated("SMAN", undefined);
    expect(dir.lookups).toEqual(["SMAN"]);
    expect(await resolver.roleOf("UPROMOTED")).toBe("manager");
  });

  it("ignores changes to user groups that give no role here", async () => {
    const { resolver, dir, store } = await resolverWith({ SSUP: ["UGRP"], SMAN: [] }, {});
    await resolver.membersChanged("SOTHER", { added: ["UGRP"], removed: [] });
    await resolver.groupUpdated("SOTHER", undefined);
    expect(dir.lookups).toEqual([]);
    expect(await store.findMany(["SOTHER"])).toEqual([]);
  });

  it("reports how long ago the stalest stored group was read in full", async () => {
    let now = at.getTime() + 5_000;
    const { resolver, store } = await resolverWith(
      undefined,
      {},
      { now: () => now, memoryCacheMs: 0 },
    );
    expect(await resolver.secondsSinceRefresh()).toBeUndefined();
    await store.storeRead("SSUP", [], at);
    await store.storeRead("SMAN", [], new Date(at.getTime() + 60_000));
    now = at.getTime() + 65_000;
    expect(await resolver.secondsSinceRefresh()).toBe(65);
  });
});

describe("permissions (PRODUCT.md §5)", () => {
  it("support works with customers but cannot approve or set the pool; managers approve; admins do all", () => {
    expect(can("support", "customers.write")).toBe(true);
    expect(can("support", "approvals.decide")).toBe(false);
    expect(can("manager", "approvals.decide")).toBe(true);
    expect(can("manager", "pool.setTotal")).toBe(false);
    expect(can("admin", "pool.setTotal")).toBe(true);
    expect(can(null, "customers.read")).toBe(false);
  });
});
