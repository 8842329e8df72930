import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsergroupMembershipRepository } from "../../src/auth/usergroup-membership-repository.js";
import { collections } from "../../src/db/collections.js";
import { openTestDatabase } from "../support/mongo/test-database.js";

const database = await openTestDatabase();
const at = new Date("2026-05-04T09:30:00.000Z");
const later = (ms: number) => new Date(at.getTime() + ms);
let store: UsergroupMembershipRepository;

beforeAll(() => {
  store = new UsergroupMembershipRepository(database.db);
});
afterAll(() => database.drop());

const membersOf = async (groupId: string) => {
  const [found] = await store.findMany([groupId]);
  return found ? [...found.members].sort() : undefined;
};

describe("UsergroupMembershipRepository", () => {
  it("stores a group read from Slack and finds several groups in one query, never-read ones absent", async () => {
    await store.storeRead("SREAD1", ["U1", "U2", "U1"], at);
    await store.storeRead("SREAD2", [], later(1000));

    const found = await store.findMany(["SREAD1", "SREAD2", "SNEVER"]);

    expect(found.map((m) => m.groupId).sort()).toEqual(["SREAD1", "SREAD2"]);
    expect(await membersOf("SREAD1")).toEqual(["U1", "U2"]);
    expect(found.find((m) => m.groupId === "SREAD2")?.readAt).toEqual(later(1000));
  });

  it("a new read replaces the members", async () => {
    await store.storeRead("SREPLACE", ["U1", "U2"], at);
    await store.storeRead("SREPLACE", ["U3"], later(1000));
    expect(await membersOf("SREPLACE")).toEqual(["U3"]);
  });

  it("applies an announced change to a stored group: added users join, removed ones leave", async () => {
    await store.storeRead("SCHANGE", ["U1", "U2"], at);
    expect(await store.applyChange("SCHANGE", { added: ["U3"], removed: ["U1"] }, later(1))).toBe(
      true,
    );
    expect(await membersOf("SCHANGE")).toEqual(["U2", "U3"]);
  });

  it("a change to a group never stored is not taken as its whole membership", async () => {
    expect(await store.applyChange("SUNKNOWN", { added: ["U1"], removed: [] }, at)).toBe(false);
    expect(await membersOf("SUNKNOWN")).toBeUndefined();
  });

  it("a read begun before a stored change does not undo it; a later read replaces it", async () => {
    await store.storeRead("SRACE", ["U1", "U2"], at);
    await store.applyChange("SRACE", { added: [], removed: ["U2"] }, later(5000));

    expect(await store.storeRead("SRACE", ["U1", "U2"], later(4000))).toBe(false);
    expect(await membersOf("SRACE")).toEqual(["U1"]);

    expect(await store.storeRead("SRACE", ["U1", "U4"], later(6000))).toBe(true);
    expect(await membersOf("SRACE")).toEqual(["U1", "U4"]);
  });

  it("replaces a group's members with a full list Slack announced", async () => {
    await store.storeRead("SUPDATED", ["U1"], at);
    await store.replaceMembers("SUPDATED", ["U7", "U8"], later(1000));
    const [found] = await store.findMany(["SUPDATED"]);
    expect([...(found?.members ?? [])].sort()).toEqual(["U7", "U8"]);
    expect(found?.readAt).toEqual(later(1000));
  });

  it("refuses a stored document of the wrong shape rather than granting from it", async () => {
    await database.db
      .collection(collections.usergroupMembers)
      .insertOne({ _id: "SBROKEN" as never, members: "U1", readAt: at });
    await expect(store.findMany(["SBROKEN"])).rejects.toThrow();
  });
});
