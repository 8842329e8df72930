import { describe, expect, it } from "vitest";
import { RoleResolver } from "../../src/auth/role-resolver.js";
import { can } from "../../src/auth/roles.js";
import { createLogger } from "../../src/logging/logger.js";

const config = {
  support: { userIds: ["USUP"], usergroupIds: ["SSUP"] },
  manager: { userIds: ["UMAN"], usergroupIds: ["SMAN"] },
  admin: { userIds: ["UADM"], usergroupIds: [] },
  cacheTtlMs: 60_000,
};

function directory(members: Record<string, string[]>, failing = new Set<string>()) {
  const lookups: string[] = [];
  return {
    lookups,
    usergroups: {
      users: {
        list: async ({ usergroup }: { usergroup: string }) => {
          lookups.push(usergroup);
          if (failing.has(usergroup)) throw new Error("slack down");
          return { users: members[usergroup] ?? [] };
        },
      },
    },
  };
}

const logger = createLogger({ level: "silent", pretty: false });

describe("RoleResolver", () => {
  it("gives roles from user IDs and user groups, the highest winning", async () => {
    const dir = directory({ SSUP: ["UGRP", "UMAN"], SMAN: ["UBOTH"] });
    const resolver = new RoleResolver(config, dir, logger);
    expect(await resolver.roleOf("USUP")).toBe("support");
    expect(await resolver.roleOf("UGRP")).toBe("support");
    expect(await resolver.roleOf("UMAN")).toBe("manager");
    expect(await resolver.roleOf("UBOTH")).toBe("manager");
    expect(await resolver.roleOf("UADM")).toBe("admin");
    expect(await resolver.roleOf("UNOBODY")).toBeNull();
  });

  it("caches group membership briefly, then reads it again", async () => {
    let now = 0;
    const dir = directory({ SSUP: ["UGRP"] });
    const resolver = new RoleResolver(config, dir, logger, () => now);
    await resolver.roleOf("UGRP");
    await resolver.roleOf("UGRP");
    expect(dir.lookups.filter((group) => group === "SSUP")).toHaveLength(1);
    now = 61_000;
    await resolver.roleOf("UGRP");
    expect(dir.lookups.filter((group) => group === "SSUP")).toHaveLength(2);
  });

  it("reports how long ago the stalest user group was read, counting only reads that succeeded", async () => {
    let now = 5_000;
    const failing = new Set<string>();
    const dir = directory({ SSUP: ["UGRP"] }, failing);
    const resolver = new RoleResolver(config, dir, logger, () => now);
    expect(resolver.secondsSinceRefresh()).toBeUndefined();
    await resolver.roleOf("UGRP");
    now = 65_000;
    expect(resolver.secondsSinceRefresh()).toBe(60);
    failing.add("SSUP");
    await resolver.roleOf("UGRP");
    now = 70_000;
    expect(resolver.secondsSinceRefresh()).toBe(65);
  });

  it("a failed group look-up grants nothing and is retried next time", async () => {
    const dir = directory({ SSUP: ["UGRP"] }, new Set(["SSUP"]));
    const resolver = new RoleResolver(config, dir, logger);
    expect(await resolver.roleOf("UGRP")).toBeNull();
    await resolver.roleOf("UGRP");
    expect(dir.lookups.filter((group) => group === "SSUP")).toHaveLength(2);
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
