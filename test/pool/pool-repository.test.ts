import { describe, expect, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { repositoriesForThisFile, setPool } from "../support/repositories.js";

const at = new Date("2026-05-04T09:30:00.000Z");
const repositories = await repositoriesForThisFile();

const move = (difference: number) =>
  repositories.transaction((session) =>
    repositories.pool.moveIfEnoughLeft(difference, at, session),
  );
const setTotal = (total: number, granted: number, create = false) =>
  repositories.transaction((session) =>
    repositories.pool.setTotalIfStillGranted(total, granted, at, session, create),
  );

describe("PoolRepository", () => {
  it("there is no pool until it is created; creating it again, even at once, keeps it", async () => {
    expect(await repositories.pool.find()).toBeNull();

    await Promise.all([repositories.pool.ensureExists(at), repositories.pool.ensureExists(at)]);
    await setPool(repositories, { total: 500, granted: 0 });
    await repositories.pool.ensureExists(at);

    expect(await repositories.pool.find()).toEqual({ total: 500, granted: 0, left: 500 });
  });

  it("a grant takes from what is left only while enough is left; a return always gives back", async () => {
    await setPool(repositories, { total: 1000, granted: 0 });

    expect(await move(600)).toBe(400);
    expect(await move(401)).toBeNull();
    expect(await move(400)).toBe(0);
    expect(await move(-250)).toBe(250);
    expect(await repositories.pool.find()).toEqual({ total: 1000, granted: 750, left: 250 });
  });

  it("the total is set only while granted is still what the caller read, and left follows it", async () => {
    await setPool(repositories, { total: 1000, granted: 300 });

    expect(await setTotal(5000, 200)).toBe(false);
    expect(await setTotal(5000, 300)).toBe(true);
    expect(await repositories.pool.find()).toEqual({ total: 5000, granted: 300, left: 4700 });
  });

  it("setting the total creates the pool when asked to", async () => {
    await repositories.db.dropCollection(collections.platform);

    expect(await setTotal(800, 0)).toBe(false);
    expect(await setTotal(800, 0, true)).toBe(true);
    expect(await repositories.pool.find()).toEqual({ total: 800, granted: 0, left: 800 });
  });
});
