import { connect } from "node:net";
import { Binary, Decimal128, Long, MongoClient, MongoServerError, ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import { useWireServer } from "./harness.js";

const t = useWireServer();

describe("handshake", () => {
  it("presents itself as the writable primary of a one-node replica set at the address clients use", async () => {
    const hello = await t.client.db("admin").command({ hello: 1 });
    expect(hello).toMatchObject({
      isWritablePrimary: true,
      secondary: false,
      setName: "rs0",
      hosts: [`127.0.0.1:${t.server.port}`],
      me: `127.0.0.1:${t.server.port}`,
      maxWireVersion: 21,
      logicalSessionTimeoutMinutes: 30,
      ok: 1,
    });
    expect(hello).not.toHaveProperty("topologyVersion");
    expect(t.server.uri).toBe(`mongodb://127.0.0.1:${t.server.port}/?replicaSet=rs0`);
  });

  it("answers ping and buildInfo", async () => {
    const admin = t.client.db("admin").admin();
    expect(await admin.ping()).toMatchObject({ ok: 1 });
    expect(await admin.buildInfo()).toMatchObject({ version: "7.0.0" });
  });
});

describe("CRUD", () => {
  it("inserts, finds, updates and deletes documents", async () => {
    const items = t.freshDb().collection("items");
    const { insertedId } = await items.insertOne({ name: "a", qty: 1 });
    await items.insertMany([
      { name: "b", qty: 2 },
      { name: "c", qty: 3 },
    ]);
    expect(await items.findOne({ _id: insertedId })).toEqual({
      _id: insertedId,
      name: "a",
      qty: 1,
    });

    const updated = await items.updateMany({ qty: { $gte: 2 } }, { $inc: { qty: 10 } });
    expect(updated).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    const unchanged = await items.updateOne({ name: "a" }, { $set: { qty: 1 } });
    expect(unchanged).toMatchObject({ matchedCount: 1, modifiedCount: 0 });

    expect(await items.deleteOne({ name: "b" })).toMatchObject({ deletedCount: 1 });
    const names = await items
      .find({}, { sort: { name: 1 } })
      .map((d) => [d.name, d.qty])
      .toArray();
    expect(names).toEqual([
      ["a", 1],
      ["c", 13],
    ]);
    expect(await items.deleteMany({})).toMatchObject({ deletedCount: 2 });
  });

  it("returns the requested version from findOneAndUpdate and findOneAndDelete", async () => {
    const items = t.freshDb().collection<{ n: number; tag: string; log?: string[] }>("items");
    await items.insertMany([
      { n: 1, tag: "x" },
      { n: 2, tag: "x" },
    ]);
    const before = await items.findOneAndUpdate(
      { tag: "x" },
      { $set: { seen: true } },
      { sort: { n: -1 }, projection: { _id: 0 } },
    );
    expect(before).toEqual({ n: 2, tag: "x" });
    const after = await items.findOneAndUpdate(
      { n: 1 },
      { $push: { log: "hit" } },
      { returnDocument: "after", projection: { _id: 0, log: 1 } },
    );
    expect(after).toEqual({ log: ["hit"] });
    expect(await items.findOneAndUpdate({ n: 99 }, { $set: { x: 1 } })).toBeNull();
    expect(await items.findOneAndDelete({ n: 2 }, { projection: { n: 1, _id: 0 } })).toEqual({
      n: 2,
    });
    expect(await items.countDocuments()).toBe(1);
  });

  it("upserts documents built from the filter's equality fields and $setOnInsert", async () => {
    const accounts = t.freshDb().collection("accounts");
    const first = await accounts.updateOne(
      { account: "acme", "meta.region": "eu", plan: { $in: ["a", "b"] } },
      { $set: { seats: 5 }, $setOnInsert: { createdBy: "bot" } },
      { upsert: true },
    );
    expect(first.upsertedCount).toBe(1);
    expect(await accounts.findOne({ _id: first.upsertedId ?? undefined })).toEqual({
      _id: first.upsertedId,
      account: "acme",
      meta: { region: "eu" },
      seats: 5,
      createdBy: "bot",
    });

    const second = await accounts.updateOne(
      { account: "acme" },
      { $set: { seats: 6 }, $setOnInsert: { createdBy: "someone else" } },
      { upsert: true },
    );
    expect(second).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect(await accounts.findOne({}, { projection: { _id: 0 } })).toEqual({
      account: "acme",
      meta: { region: "eu" },
      seats: 6,
      createdBy: "bot",
    });

    const upserted = await accounts.findOneAndUpdate(
      { account: "globex" },
      { $set: { seats: 1 } },
      { upsert: true, returnDocument: "after", projection: { _id: 0 } },
    );
    expect(upserted).toEqual({ account: "globex", seats: 1 });
  });

  it("replaces whole documents but keeps their _id", async () => {
    const items = t.freshDb().collection("items");
    const { insertedId } = await items.insertOne({ a: 1, b: 2 });
    await items.replaceOne({ _id: insertedId }, { c: 3 });
    expect(await items.findOne({})).toEqual({ _id: insertedId, c: 3 });
    await expect(items.replaceOne({ _id: insertedId }, { _id: "other" })).rejects.toMatchObject({
      code: 66,
    });
  });

  it("applies array filters and pipeline-style updates", async () => {
    const items = t
      .freshDb()
      .collection<{ _id: number; grades: number[]; a: number; b: number }>("items");
    await items.insertOne({ _id: 1, grades: [80, 95, 100], a: 2, b: 3 });
    await items.updateOne(
      { _id: 1 },
      { $set: { "grades.$[high]": 90 } },
      { arrayFilters: [{ high: { $gte: 95 } }] },
    );
    await items.updateOne({ _id: 1 }, [{ $set: { sum: { $add: ["$a", "$b"] } } }]);
    expect(await items.findOne({})).toEqual({ _id: 1, grades: [80, 90, 90], a: 2, b: 3, sum: 5 });
  });

  it("keeps BSON types intact: ObjectId, Date, Long, Decimal128, Binary", async () => {
    const items = t.freshDb().collection("items");
    const doc = {
      _id: new ObjectId(),
      at: new Date("2024-05-06T07:08:09.010Z"),
      big: Long.fromString("9007199254740993"),
      price: Decimal128.fromString("12.34"),
      blob: new Binary(Buffer.from("hello")),
      nested: { list: [1, "two", { three: 3 }] },
    };
    await items.insertOne(doc);
    const found = await items.findOne({ price: Decimal128.fromString("12.34") });
    expect(found?._id.equals(doc._id)).toBe(true);
    expect(found?.at).toEqual(doc.at);
    expect(found?.big).toBeInstanceOf(Long);
    expect(String(found?.big)).toBe("9007199254740993");
    expect(found?.price).toBeInstanceOf(Decimal128);
    expect(String(found?.price)).toBe("12.34");
    expect(Buffer.from(found?.blob.buffer).toString()).toBe("hello");
    expect(found?.nested).toEqual(doc.nested);
    expect(await items.countDocuments({ at: { $gt: new Date("2024-01-01") } })).toBe(1);
  });

  it("reports counts like MongoDB: countDocuments, estimatedDocumentCount and count with skip/limit", async () => {
    const items = t.freshDb().collection("items");
    await items.insertMany(Array.from({ length: 30 }, (_, i) => ({ i, even: i % 2 === 0 })));
    expect(await items.countDocuments({ even: true })).toBe(15);
    expect(await items.countDocuments({ even: true }, { skip: 10, limit: 3 })).toBe(3);
    expect(await items.estimatedDocumentCount()).toBe(30);
    expect(await items.countDocuments({ missing: 1 })).toBe(0);
    expect(await t.freshDb().collection("nothing").estimatedDocumentCount()).toBe(0);
  });

  it("lists distinct values, flattening arrays", async () => {
    const items = t.freshDb().collection("items");
    await items.insertMany([{ tags: ["a", "b"] }, { tags: "c" }, { tags: ["a"] }, { other: 1 }]);
    expect((await items.distinct("tags")).sort()).toEqual(["a", "b", "c"]);
  });
});

describe("queries", () => {
  it("applies projections", async () => {
    const people = t.freshDb().collection("people");
    await people.insertOne({ name: "Ann", age: 40, address: { city: "Oslo", zip: "0150" } });
    expect(
      await people.findOne({}, { projection: { _id: 0, name: 1, "address.city": 1 } }),
    ).toEqual({ name: "Ann", address: { city: "Oslo" } });
    const withoutAge = await people.findOne({}, { projection: { age: 0, address: 0 } });
    expect(Object.keys(withoutAge ?? {})).toEqual(["_id", "name"]);
    expect(await people.findOne({}, { projection: { _id: 0, "address.zip": 0 } })).toEqual({
      name: "Ann",
      age: 40,
      address: { city: "Oslo" },
    });
    expect((await people.findOne({}))?.address).toEqual({ city: "Oslo", zip: "0150" });
  });

  it("sorts, skips and limits", async () => {
    const items = t.freshDb().collection("items");
    await items.insertMany([5, 3, 9, 1, 7, 2].map((n) => ({ n })));
    const page = await items.find({}, { sort: { n: -1 }, skip: 1, limit: 3 }).toArray();
    expect(page.map((d) => d.n)).toEqual([7, 5, 3]);
    const newestFirst = await items.find({}, { sort: { $natural: -1 }, limit: 2 }).toArray();
    expect(newestFirst.map((d) => d.n)).toEqual([2, 7]);
  });

  it("serves large results across getMore batches, in order", async () => {
    const items = t.freshDb().collection("items");
    await items.insertMany(Array.from({ length: 250 }, (_, i) => ({ i })));
    const getMoresBefore = t.server.commandCounts().getMore ?? 0;
    const all = await items.find({}, { batchSize: 50, sort: { i: 1 } }).toArray();
    expect(all.map((d) => d.i)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect((t.server.commandCounts().getMore ?? 0) - getMoresBefore).toBe(4);

    const aggregated = await items
      .aggregate([{ $match: { i: { $gte: 100 } } }], { batchSize: 30 })
      .toArray();
    expect(aggregated).toHaveLength(150);
  });

  it("keeps each reply under 16 MiB, splitting a batch of large documents", async () => {
    const items = t.freshDb().collection("items");
    const blob = "x".repeat(1024 * 1024);
    await items.insertMany(Array.from({ length: 20 }, (_, i) => ({ i, blob })));
    const getMoresBefore = t.server.commandCounts().getMore ?? 0;
    const cursor = items.find({}, { batchSize: 100, sort: { i: 1 } });
    const all = await cursor.toArray();
    expect(all.map((d) => [d.i, d.blob.length])).toEqual(
      Array.from({ length: 20 }, (_, i) => [i, blob.length]),
    );
    expect((t.server.commandCounts().getMore ?? 0) - getMoresBefore).toBe(1);
  });

  it("gives later batches of a cursor the documents as the find saw them, whatever is written meanwhile", async () => {
    type Item = { i: number; secret: string; nested: { v: string }; tags: string[] };
    const items = t.freshDb().collection<Item>("items");
    await items.insertMany(
      Array.from({ length: 5 }, (_, i) => ({ i, secret: "s", nested: { v: "old" }, tags: ["a"] })),
    );
    const cursor = items.find({}, { projection: { secret: 0 }, batchSize: 2, sort: { i: 1 } });
    const first = [await cursor.next(), await cursor.next()];
    await items.updateMany({}, { $set: { "nested.v": "new", secret: "t" }, $push: { tags: "b" } });
    await items.deleteOne({ i: 4 });
    const rest = await cursor.toArray();
    for (const doc of [...first, ...rest]) {
      expect(Object.keys(doc ?? {})).toEqual(["_id", "i", "nested", "tags"]);
      expect(doc).toMatchObject({ nested: { v: "old" }, tags: ["a"] });
    }
    expect([...first, ...rest].map((doc) => doc?.i)).toEqual([0, 1, 2, 3, 4]);
    const now = await items.find({}, { projection: { _id: 0, i: 0 } }).toArray();
    expect(now).toEqual(
      Array.from({ length: 4 }, () => ({ secret: "t", nested: { v: "new" }, tags: ["a", "b"] })),
    );
  });

  it("evaluates aggregation expressions and stages", async () => {
    const db = t.freshDb();
    const orders = db.collection("orders");
    await orders.insertMany([
      { customer: "x", a: 1, b: 2 },
      { customer: "y", a: 3, b: 4 },
      { customer: "x", a: 5, b: 6 },
    ]);
    await db.collection<{ _id: string; name: string }>("customers").insertMany([
      { _id: "x", name: "Xavier" },
      { _id: "y", name: "Yolanda" },
    ]);
    const totals = await orders
      .aggregate([
        { $addFields: { total: { $add: ["$a", "$b"] } } },
        { $group: { _id: "$customer", sum: { $sum: "$total" }, orders: { $sum: 1 } } },
        { $lookup: { from: "customers", localField: "_id", foreignField: "_id", as: "who" } },
        { $unwind: "$who" },
        { $project: { _id: 0, name: "$who.name", sum: 1, orders: 1 } },
        { $sort: { name: 1 } },
      ])
      .toArray();
    expect(totals).toEqual([
      { sum: 14, orders: 2, name: "Xavier" },
      { sum: 7, orders: 1, name: "Yolanda" },
    ]);
    const [facets] = await orders
      .aggregate([
        { $facet: { count: [{ $count: "n" }], byCustomer: [{ $sortByCount: "$customer" }] } },
      ])
      .toArray();
    const types = await orders
      .aggregate([{ $limit: 1 }, { $project: { _id: 0, kind: { $type: "$customer" } } }])
      .toArray();
    expect(types).toEqual([{ kind: "string" }]);
    expect(facets).toEqual({
      count: [{ n: 3 }],
      byCustomer: [
        { _id: "x", count: 2 },
        { _id: "y", count: 1 },
      ],
    });
  });

  it("never lets projections or aggregation stages alter stored documents", async () => {
    const items = t.freshDb().collection("items");
    await items.insertOne({ nested: { a: 1 } });
    await items.aggregate([{ $set: { "nested.b": 2 } }, { $unset: "nested.a" }]).toArray();
    await items.aggregate([{ $project: { "nested.a": 0 } }]).toArray();
    await items.findOneAndUpdate({}, { $set: { x: 1 } }, { projection: { "nested.a": 0 } });
    expect(await items.findOne({}, { projection: { _id: 0 } })).toEqual({ nested: { a: 1 }, x: 1 });
  });
});

describe("refusing what it does not implement", () => {
  it("rejects unknown or unsupported query operators with BadValue", async () => {
    const items = t.freshDb().collection("items");
    await items.insertOne({ a: 1 });
    await expect(items.find({ a: { $foo: 1 } }).toArray()).rejects.toMatchObject({
      code: 2,
      codeName: "BadValue",
      message: expect.stringContaining("$foo"),
    });
    await expect(items.find({ $where: "this.a === 1" }).toArray()).rejects.toMatchObject({
      code: 2,
      message: expect.stringContaining("$where"),
    });
    await expect(items.find({ _id: { $type: "objectId" } }).toArray()).rejects.toMatchObject({
      code: 2,
    });
    await expect(items.updateOne({}, { $foo: { a: 1 } } as never)).rejects.toMatchObject({
      code: 2,
    });
    await expect(items.aggregate([{ $frobnicate: {} }]).toArray()).rejects.toMatchObject({
      code: 2,
    });
    await expect(items.aggregate([{ $out: "copy" }]).toArray()).rejects.toMatchObject({ code: 2 });
  });

  it("rejects options that would change results, such as collation", async () => {
    const items = t.freshDb().collection("items");
    await expect(
      items.find({}, { collation: { locale: "en", strength: 2 } }).toArray(),
    ).rejects.toMatchObject({ code: 2, message: expect.stringContaining("collation") });
  });

  it("answers an unknown command with CommandNotFound", async () => {
    const error = await t.client
      .db("admin")
      .command({ frobnicate: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 59, codeName: "CommandNotFound" });
    expect((error as Error).message).toContain("frobnicate");
  });

  it("refuses $inc on a non-numeric field like MongoDB", async () => {
    const items = t.freshDb().collection("items");
    await items.insertOne({ name: "x" });
    await expect(items.updateOne({}, { $inc: { name: 1 } })).rejects.toMatchObject({ code: 14 });
  });
});

describe("collections and databases", () => {
  it("creates, lists and drops collections and databases", async () => {
    const db = t.freshDb();
    await db.createCollection("one");
    await db.collection("two").insertOne({});
    await expect(db.createCollection("one")).rejects.toMatchObject({ code: 48 });
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names.sort()).toEqual(["one", "two"]);
    expect(await db.collection("one").drop()).toBe(true);
    expect(await db.collection("one").drop()).toBe(false);
    const databases = await t.client.db("admin").admin().listDatabases();
    expect(databases.databases.map((d) => d.name)).toContain(db.databaseName);
    await db.dropDatabase();
    expect(await db.listCollections().toArray()).toEqual([]);
  });
});

describe("connection lifecycle", () => {
  it("keeps data across suspend/resume and the driver reconnects", async () => {
    const items = t.freshDb().collection("items");
    await items.insertOne({ kept: true });
    await t.server.suspend();
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(t.server.port, "127.0.0.1");
      socket.on("connect", () => resolve("connected"));
      socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
    });
    expect(refused).toBe("ECONNREFUSED");
    await t.server.resume();
    expect(await items.findOne({}, { projection: { _id: 0 } })).toEqual({ kept: true });
    await items.insertOne({ after: true });
    expect(await items.countDocuments()).toBe(2);
  });

  it("recovers after all connections are dropped", async () => {
    const items = t.freshDb().collection("items");
    await items.insertOne({ n: 1 });
    t.server.dropConnections();
    expect(await items.findOne({}, { projection: { _id: 0 } })).toEqual({ n: 1 });
    await items.insertOne({ n: 2 });
    expect(await items.countDocuments()).toBe(2);
  });

  it("serves several clients at once", async () => {
    const other = new MongoClient(t.server.uri, { serverSelectionTimeoutMS: 5_000 });
    try {
      const db = t.freshDb();
      await other.db(db.databaseName).collection("shared").insertOne({ from: "other" });
      expect(await db.collection("shared").countDocuments({ from: "other" })).toBe(1);
    } finally {
      await other.close();
    }
  });
});
