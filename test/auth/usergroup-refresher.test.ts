import { afterAll, describe, expect, it } from "vitest";
import { RoleResolver } from "../../src/auth/role-resolver.js";
import { UsergroupMembershipRepository } from "../../src/auth/usergroup-membership-repository.js";
import { UsergroupRefresher } from "../../src/auth/usergroup-refresher.js";
import { LeaseRepository } from "../../src/leases/lease-repository.js";
import { createLogger } from "../../src/logging/logger.js";
import { openTestDatabase } from "../support/mongo/test-database.js";

const config = {
  support: { userIds: [], usergroupIds: ["SSUP"] },
  manager: { userIds: [], usergroupIds: ["SMAN"] },
  admin: { userIds: ["UADM"], usergroupIds: [] },
  cacheTtlMs: 60_000,
};
const logger = createLogger({ level: "silent", pretty: false });

/** A fake Slack shared by every instance: the members it answers with, and every look-up made. */
function fakeSlack(members: Record<string, string[]>) {
  const lookups: string[] = [];
  const failing = new Set<string>();
  return {
    members,
    lookups,
    failing,
    usergroups: {
      users: {
        list: async ({ usergroup }: { usergroup: string }) => {
          lookups.push(usergroup);
          if (failing.has(usergroup)) throw new Error("ratelimited");
          return { users: members[usergroup] ?? [] };
        },
      },
    },
  };
}

const databases: { drop(): Promise<void> }[] = [];
afterAll(() => Promise.all(databases.map((database) => database.drop())));

async function sharedDatabase() {
  const database = await openTestDatabase();
  databases.push(database);
  return database;
}

/** One app instance: its resolver and refresher, on the shared database and Slack. */
function instance(
  db: Awaited<ReturnType<typeof sharedDatabase>>["db"],
  slack: ReturnType<typeof fakeSlack>,
  name: string,
  now: () => Date = () => new Date(),
) {
  const store = new UsergroupMembershipRepository(db);
  const resolver = new RoleResolver(config, store, slack, logger, { memoryCacheMs: 0 });
  const refresher = new UsergroupRefresher(resolver, new LeaseRepository(db), logger, {
    intervalMs: 30_000,
    leaseMs: 60_000,
    holder: name,
    now,
  });
  return { store, resolver, refresher };
}

describe("UsergroupRefresher", () => {
  it("stores each configured group's members from Slack, which then give roles without Slack", async () => {
    const { db } = await sharedDatabase();
    const slack = fakeSlack({ SSUP: ["UGRP"], SMAN: ["UBOSS"] });
    const a = instance(db, slack, "instance-a");

    expect(await a.refresher.refreshNow()).toBe(true);

    expect(slack.lookups.sort()).toEqual(["SMAN", "SSUP"]);
    const stored = await a.store.findMany(["SSUP", "SMAN"]);
    expect(Object.fromEntries(stored.map((m) => [m.groupId, [...m.members]]))).toEqual({
      SSUP: ["UGRP"],
      SMAN: ["UBOSS"],
    });
    expect(await a.resolver.roleOf("UBOSS")).toBe("manager");
    expect(slack.lookups).toHaveLength(2);
  });

  it("a failed read keeps the members stored before", async () => {
    const { db } = await sharedDatabase();
    const slack = fakeSlack({ SSUP: ["UGRP"], SMAN: [] });
    const a = instance(db, slack, "instance-a");
    await a.refresher.refreshNow();

    slack.members.SSUP = [];
    slack.failing.add("SSUP");
    await a.refresher.refreshNow();

    expect(await a.resolver.roleOf("UGRP")).toBe("support");
  });

  it("of two instances sharing a database, only the lease holder calls Slack: one set of calls per round", async () => {
    const { db } = await sharedDatabase();
    const slack = fakeSlack({ SSUP: ["UGRP"], SMAN: [] });
    const a = instance(db, slack, "instance-a");
    const b = instance(db, slack, "instance-b");

    for (let round = 0; round < 3; round += 1) {
      const held = await Promise.all([a.refresher.refreshNow(), b.refresher.refreshNow()]);
      expect(held.filter(Boolean)).toHaveLength(1);
    }

    expect(slack.lookups).toHaveLength(3 * 2);
    // Both instances answer from what the one holder stored.
    expect(await b.resolver.roleOf("UGRP")).toBe("support");
    expect(slack.lookups).toHaveLength(6);
  });

  it("when the holder stops, it gives the lease up and another instance takes the rounds over", async () => {
    const { db } = await sharedDatabase();
    const slack = fakeSlack({ SSUP: [], SMAN: [] });
    const a = instance(db, slack, "instance-a");
    const b = instance(db, slack, "instance-b");
    expect(await a.refresher.refreshNow()).toBe(true);
    expect(await b.refresher.refreshNow()).toBe(false);

    await a.refresher.stop();

    expect(await a.refresher.refreshNow()).toBe(false);
    expect(await b.refresher.refreshNow()).toBe(true);
  });

  it("when the holder dies without giving the lease up, another takes over once the lease ends", async () => {
    const { db } = await sharedDatabase();
    const slack = fakeSlack({ SSUP: [], SMAN: [] });
    let clock = new Date("2026-05-04T09:30:00.000Z").getTime();
    const now = () => new Date(clock);
    const a = instance(db, slack, "instance-a", now);
    const b = instance(db, slack, "instance-b", now);
    expect(await a.refresher.refreshNow()).toBe(true);

    clock += 30_000;
    expect(await b.refresher.refreshNow()).toBe(false);
    clock += 30_000;
    expect(await b.refresher.refreshNow()).toBe(true);
  });

  it("start() runs a round at once and stop() ends the timer", async () => {
    const { db } = await sharedDatabase();
    const slack = fakeSlack({ SSUP: ["UGRP"], SMAN: [] });
    const a = instance(db, slack, "instance-a");
    a.refresher.start();
    await expect.poll(() => slack.lookups.length).toBe(2);
    await a.refresher.stop();
    expect(
      await new LeaseRepository(db).acquire("usergroup-refresher", "other", 1000, new Date()),
    ).toBe(true);
  });
});
