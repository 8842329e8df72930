import { MongoBulkWriteError } from "mongodb";
import { describe, expect, it } from "vitest";
import { useWireServer } from "./harness.js";

const t = useWireServer();

describe("index management", () => {
  it("names indexes like MongoDB and lists them with their options", async () => {
    const items = t.freshDb().collection("items");
    expect(await items.createIndex({ account: 1, createdAt: -1 })).toBe("account_1_createdAt_-1");
    await items.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 3600 });
    await items.createIndex(
      { email: 1 },
      { unique: true, partialFilterExpression: { email: { $exists: true } } },
    );
    await items.createIndex({ nick: 1 }, { sparse: true, name: "by_nick" });
    expect(await items.indexes()).toEqual([
      { v: 2, key: { _id: 1 }, name: "_id_" },
      { v: 2, key: { account: 1, createdAt: -1 }, name: "account_1_createdAt_-1" },
      { v: 2, key: { expiresAt: 1 }, name: "expiresAt_1", expireAfterSeconds: 3600 },
      {
        v: 2,
        key: { email: 1 },
        name: "email_1",
        unique: true,
        partialFilterExpression: { email: { $exists: true } },
      },
      { v: 2, key: { nick: 1 }, name: "by_nick", sparse: true },
    ]);
  });

  it("treats creating an identical index again as a no-op, and a conflicting one as an error", async () => {
    const items = t.freshDb().collection("items");
    await items.createIndex({ a: 1 }, { unique: true });
    await items.createIndex({ a: 1 }, { unique: true });
    expect(await items.indexes()).toHaveLength(2);
    await expect(items.createIndex({ a: 1 }, { name: "a_1", sparse: true })).rejects.toMatchObject({
      code: 86,
    });
    await expect(items.createIndex({ a: 1 }, { name: "other" })).rejects.toMatchObject({
      code: 85,
    });
  });

  it("refuses to build a unique index over duplicate data", async () => {
    const items = t.freshDb().collection("items");
    await items.insertMany([{ a: 1 }, { a: 1 }]);
    await expect(items.createIndex({ a: 1 }, { unique: true })).rejects.toMatchObject({
      code: 11000,
    });
    expect(await items.indexes()).toHaveLength(1);
  });

  it("drops indexes by name, by key pattern, or all at once", async () => {
    const items = t.freshDb().collection("items");
    await items.createIndexes([{ key: { a: 1 } }, { key: { b: 1 } }, { key: { c: 1 } }]);
    await items.dropIndex("a_1");
    await items.dropIndex({ b: 1 } as never);
    expect((await items.indexes()).map((index) => index.name)).toEqual(["_id_", "c_1"]);
    await expect(items.dropIndex("nope")).rejects.toMatchObject({ code: 27 });
    await items.dropIndexes();
    expect((await items.indexes()).map((index) => index.name)).toEqual(["_id_"]);
  });
});

describe("unique indexes", () => {
  it("rejects a duplicate insertOne with E11000 and the offending key", async () => {
    const accounts = t.freshDb().collection("accounts");
    await accounts.createIndex({ account: 1 }, { unique: true });
    await accounts.insertOne({ account: "x" });
    const error = await accounts.insertOne({ account: "x", extra: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 11000,
      keyPattern: { account: 1 },
      keyValue: { account: "x" },
    });
    expect((error as Error).message).toContain(
      `E11000 duplicate key error collection: ${accounts.dbName}.accounts index: account_1 dup key: { account: "x" }`,
    );
    expect(await accounts.countDocuments()).toBe(1);
  });

  it("rejects updates and upserts that would duplicate a key, changing nothing", async () => {
    const accounts = t.freshDb().collection("accounts");
    await accounts.createIndex({ account: 1 }, { unique: true });
    await accounts.insertMany([
      { account: "x", n: 1 },
      { account: "y", n: 2 },
    ]);
    await expect(
      accounts.updateOne({ account: "y" }, { $set: { account: "x", n: 3 } }),
    ).rejects.toMatchObject({ code: 11000 });
    await expect(
      accounts.findOneAndUpdate({ account: "y" }, { $set: { account: "x", n: 4 } }),
    ).rejects.toMatchObject({ code: 11000, codeName: "DuplicateKey", keyValue: { account: "x" } });
    await expect(
      accounts.updateOne(
        { account: "z" },
        { $set: { n: 5 }, $setOnInsert: { account: "x" } },
        { upsert: true },
      ),
    ).rejects.toMatchObject({ code: 11000 });
    expect(await accounts.find({}, { projection: { _id: 0 }, sort: { n: 1 } }).toArray()).toEqual([
      { account: "x", n: 1 },
      { account: "y", n: 2 },
    ]);
  });

  it("treats a duplicate _id as a unique violation", async () => {
    const items = t.freshDb().collection<{ _id: string }>("items");
    await items.insertOne({ _id: "same" });
    await expect(items.insertOne({ _id: "same" })).rejects.toMatchObject({
      code: 11000,
      keyValue: { _id: "same" },
    });
  });

  it("stops an ordered insertMany at the first duplicate but lets an unordered one continue", async () => {
    const items = t.freshDb().collection<{ _id: number }>("items");
    const ordered = await items
      .insertMany([{ _id: 1 }, { _id: 2 }, { _id: 1 }, { _id: 3 }])
      .catch((e: unknown) => e);
    expect(ordered).toBeInstanceOf(MongoBulkWriteError);
    expect((ordered as MongoBulkWriteError).insertedCount).toBe(2);
    expect(await items.countDocuments()).toBe(2);

    const unordered = await items
      .insertMany([{ _id: 2 }, { _id: 4 }, { _id: 5 }], { ordered: false })
      .catch((e: unknown) => e);
    expect((unordered as MongoBulkWriteError).insertedCount).toBe(2);
    expect(await items.countDocuments()).toBe(4);
  });

  it("enforces compound keys, counting a missing field as null unless the index is sparse", async () => {
    const db = t.freshDb();
    const compound = db.collection("compound");
    await compound.createIndex({ team: 1, email: 1 }, { unique: true });
    await compound.insertMany([
      { team: "a", email: "x" },
      { team: "b", email: "x" },
      { team: "a" },
    ]);
    await expect(compound.insertOne({ team: "a", email: null })).rejects.toMatchObject({
      code: 11000,
    });

    const sparse = db.collection("sparse");
    await sparse.createIndex({ nick: 1 }, { unique: true, sparse: true });
    await sparse.insertMany([{}, {}, { nick: "n" }]);
    await expect(sparse.insertOne({ nick: "n" })).rejects.toMatchObject({ code: 11000 });
  });

  it("only enforces a partial unique index on documents matching its filter", async () => {
    const items = t.freshDb().collection("items");
    await items.createIndex(
      { email: 1 },
      { unique: true, partialFilterExpression: { active: true } },
    );
    await items.insertMany([
      { email: "e", active: false },
      { email: "e", active: false },
      { email: "e", active: true },
    ]);
    await expect(items.insertOne({ email: "e", active: true })).rejects.toMatchObject({
      code: 11000,
    });
  });

  it("treats each array element as a key", async () => {
    const items = t.freshDb().collection("items");
    await items.createIndex({ tags: 1 }, { unique: true });
    await items.insertOne({ tags: ["a", "b", "b"] });
    await expect(items.insertOne({ tags: ["c", "b"] })).rejects.toMatchObject({ code: 11000 });
    await items.insertOne({ tags: ["c"] });
  });
});

describe("lookups through unique indexes", () => {
  const documents = () => [
    { _id: 1, account: "ann@x.io", code: "A1", tags: ["red", "blue"], n: 1 },
    { _id: 2, account: "bob@x.io", code: "B2", tags: ["green"], n: 2 },
    { _id: 3, account: "cy@x.io", code: "C3", n: 3 },
    { _id: 4, code: "D4", n: 4 },
  ];
  const filters = [
    { account: "bob@x.io" },
    { account: { $eq: "ann@x.io" }, n: 1 },
    { account: { $eq: "ann@x.io" }, n: 2 },
    { account: { $in: ["cy@x.io", "nobody", "ann@x.io"] } },
    { account: "nobody" },
    { tags: "blue" },
    { $or: [{ account: { $eq: "cy@x.io" } }, { code: { $eq: "cy@x.io" } }] },
    { $or: [{ account: "ann@x.io" }, { code: "B2" }, { code: "A1" }] },
    { $or: [{ account: "ann@x.io" }, { n: { $gte: 3 } }] },
    { account: null },
    { account: { $exists: false } },
  ];

  it("answers every equality exactly as a scan does, before and after changes", async () => {
    const db = t.freshDb();
    const indexed = db.collection<{ _id: number }>("indexed");
    const scanned = db.collection<{ _id: number }>("scanned");
    await indexed.createIndexes([
      { key: { account: 1 }, unique: true, sparse: true },
      { key: { code: 1 }, unique: true },
      { key: { tags: 1 }, unique: true, sparse: true },
    ]);
    const compare = async () => {
      for (const filter of filters) {
        const ids = async (c: typeof indexed) =>
          (await c.find(filter).toArray()).map((d) => d._id).sort();
        expect(await ids(indexed), JSON.stringify(filter)).toEqual(await ids(scanned));
      }
    };
    for (const c of [indexed, scanned]) await c.insertMany(documents());
    await compare();
    for (const c of [indexed, scanned]) {
      await c.updateOne({ _id: 2 }, { $set: { account: "cy2@x.io", tags: ["blue2"] } });
      await c.updateOne({ _id: 1 }, { $set: { account: "bob@x.io" } });
      await c.deleteOne({ account: "cy@x.io" });
    }
    await compare();
    expect(await indexed.countDocuments({ account: "bob@x.io" })).toBe(1);
    expect(
      await indexed.findOne({ $or: [{ account: "bob@x.io" }, { code: "bob@x.io" }] }),
    ).toMatchObject({ _id: 1 });
  });

  it("sees what an aborted transaction put back", async () => {
    const db = t.freshDb();
    const items = db.collection<{ _id: number; account: string }>("items");
    await items.createIndex({ account: 1 }, { unique: true });
    await items.insertOne({ _id: 1, account: "before" });
    const session = t.client.startSession();
    try {
      session.startTransaction();
      await items.updateOne({ _id: 1 }, { $set: { account: "during" } }, { session });
      expect(await items.findOne({ account: "during" }, { session })).toMatchObject({ _id: 1 });
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    expect(await items.findOne({ account: "during" })).toBeNull();
    expect(await items.findOne({ account: "before" })).toMatchObject({ _id: 1 });
  });

  it("frees the keys of a refused insert, of a version a transaction wrote over, and of an aborted one", async () => {
    const db = t.freshDb();
    const items = db.collection<{ _id: number; account: string }>("items");
    await items.createIndex({ account: 1 }, { unique: true });
    await items.insertOne({ _id: 1, account: "taken" });
    // Refused by _id: its account key must not stay behind.
    await expect(items.insertOne({ _id: 1, account: "refused" })).rejects.toMatchObject({
      code: 11000,
    });
    const session = t.client.startSession();
    try {
      await session.withTransaction(async () => {
        await items.insertOne({ _id: 2, account: "first" }, { session });
        await items.updateOne({ _id: 2 }, { $set: { account: "second" } }, { session });
      });
      session.startTransaction();
      await items.insertOne({ _id: 3, account: "aborted" }, { session });
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    await items.insertMany([
      { _id: 4, account: "refused" },
      { _id: 5, account: "first" },
      { _id: 6, account: "aborted" },
    ]);
    await expect(items.insertOne({ _id: 7, account: "second" })).rejects.toMatchObject({
      code: 11000,
      keyValue: { account: "second" },
    });
    await expect(items.insertOne({ _id: 8, account: "taken" })).rejects.toMatchObject({
      code: 11000,
    });
    expect(await items.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 1, account: "taken" },
      { _id: 2, account: "second" },
      { _id: 4, account: "refused" },
      { _id: 5, account: "first" },
      { _id: 6, account: "aborted" },
    ]);
  });
});
