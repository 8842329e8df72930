import {
  type ClientSession,
  type Collection,
  type Db,
  type Document,
  type IndexDescription,
  ObjectId,
} from "mongodb";
import { beforeAll, describe, expect, it } from "vitest";
import { useWireServer } from "./harness.js";

const t = useWireServer();

/** The same documents twice: `indexed` has the indexes (the walk), `plain` only `_id` (the scan). */
interface Pair {
  indexed: Collection;
  plain: Collection;
}

const start = Date.UTC(2026, 0, 1);
const WORDS = ["alpha", "alps", "abc", "abd", "ab", "beta", "b.c", "a|b", "x-y", "zeta"];

function sampleDocuments(): Document[] {
  const docs: Document[] = [];
  for (let i = 0; i < 240; i++) {
    docs.push({
      _id: ObjectId.createFromTime(1_700_000_000 + i * 7919 * (i % 2 ? 1 : -1) + 10_000_000),
      g: i % 4, // ties galore
      a: i % 11 === 0 ? `s${i % 3}` : i % 6, // numbers and strings mixed
      // Times repeat (ties on `at`, broken by `_id`).
      at: new Date(start + (i % 37) * 60_000),
      word: WORDS[i % WORDS.length],
      tags: i % 5 === 0 ? [] : [`t${i % 3}`, `t${(i * 7) % 4}`],
      n: i,
    });
  }
  return docs;
}

const INDEXES: IndexDescription[] = [
  { key: { g: 1, at: -1, _id: -1 }, name: "by_g" },
  { key: { at: -1, _id: -1 }, name: "newest_first" },
  { key: { a: 1, n: 1 }, name: "a_n" },
  { key: { tags: 1, at: -1, _id: -1 }, name: "by_tag" },
  { key: { word: 1 }, name: "word" },
];

async function seededPair(db: Db, docs: Document[]): Promise<Pair> {
  const indexed = db.collection("indexed");
  const plain = db.collection("plain");
  await indexed.createIndexes(INDEXES);
  await indexed.insertMany(docs.map((doc) => ({ ...doc })));
  await plain.insertMany(docs.map((doc) => ({ ...doc })));
  return { indexed, plain };
}

/** The values a sort orders by, per document, as comparable strings. */
function sortKeys(docs: Document[], sort: Document | undefined): string[] {
  const fields = Object.keys(sort ?? {});
  return docs.map((doc) =>
    JSON.stringify(fields.map((field) => (doc[field] instanceof Date ? +doc[field] : doc[field]))),
  );
}

const ids = (docs: Document[]) => docs.map((doc) => String(doc._id));

interface Read {
  filter: Document;
  sort?: Document;
  limit?: number;
  skip?: number;
}

/**
 * The walk answers like the scan: the same documents in the same order where the sort decides it
 * (sort ties may come in another order, as on MongoDB), and the same count.
 */
async function expectSameAnswers(pair: Pair, read: Read): Promise<void> {
  const options = { sort: read.sort, limit: read.limit, skip: read.skip };
  const viaIndex = await pair.indexed.find(read.filter, options).toArray();
  const viaScan = await pair.plain.find(read.filter, options).toArray();
  const label = JSON.stringify(read);
  expect(viaIndex.length, label).toBe(viaScan.length);
  if (read.sort) expect(sortKeys(viaIndex, read.sort), label).toEqual(sortKeys(viaScan, read.sort));
  const fullOrder = read.sort && "_id" in read.sort;
  if (fullOrder) expect(ids(viaIndex), label).toEqual(ids(viaScan));
  else if (read.sort || !read.limit)
    expect(new Set(ids(viaIndex)), label).toEqual(new Set(ids(viaScan)));
  expect(new Set(ids(viaIndex)).size, `${label}: no document twice`).toBe(viaIndex.length);
  const counted = { limit: read.limit, skip: read.skip };
  expect(await pair.indexed.countDocuments(read.filter, counted), label).toBe(
    await pair.plain.countDocuments(read.filter, counted),
  );
  if (read.sort) {
    const pipeline = [
      { $match: read.filter },
      { $sort: read.sort },
      ...(read.skip ? [{ $skip: read.skip }] : []),
      ...(read.limit ? [{ $limit: read.limit }] : []),
    ];
    const aggregated = await pair.indexed.aggregate(pipeline).toArray();
    expect(sortKeys(aggregated, read.sort), `${label} (aggregate)`).toEqual(
      sortKeys(viaScan, read.sort),
    );
  }
}

describe("index walk: the same answers as a scan", () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await seededPair(t.freshDb(), sampleDocuments());
  });

  const t0 = new Date(start + 12 * 60_000);
  const t1 = new Date(start + 30 * 60_000);
  const reads: Read[] = [
    // Equality prefix then the index's sort, both directions, limits and skips.
    { filter: { g: 2 }, sort: { at: -1, _id: -1 }, limit: 7 },
    { filter: { g: 2 }, sort: { at: 1, _id: 1 }, limit: 7, skip: 5 },
    { filter: { g: { $eq: 1 } }, sort: { at: -1, _id: -1 } },
    { filter: { g: { $in: [3, 1] } }, sort: { g: 1, at: -1, _id: -1 }, limit: 20 },
    { filter: { g: { $in: [3, 1] } }, sort: { at: -1, _id: -1 }, limit: 20 },
    { filter: { g: 3, at: { $lt: t1 } }, sort: { at: -1, _id: -1 }, limit: 10 },
    { filter: { g: 3, at: { $gte: t0, $lte: t1 } }, sort: { at: 1, _id: 1 } },
    { filter: { g: 0, n: { $gt: 100 } }, sort: { at: -1, _id: -1 }, limit: 5 },
    { filter: { g: 0 }, sort: { at: -1 } }, // a sort that leaves ties
    { filter: { g: 9 }, sort: { at: -1, _id: -1 } }, // nothing
    // Sort only (no bound): the index order with a limit.
    { filter: {}, sort: { at: -1, _id: -1 }, limit: 15, skip: 40 },
    { filter: {}, sort: { at: 1, _id: 1 }, limit: 15 },
    { filter: { n: { $mod: [3, 0] } }, sort: { at: -1, _id: -1 }, limit: 9 },
    // Ranges on the first field, no sort; numbers and strings in one field (type bracketing).
    { filter: { a: { $gte: 2, $lt: 5 } } },
    { filter: { a: { $gt: "s0" } } },
    { filter: { a: { $lte: 3 } }, sort: { a: 1, n: 1 }, limit: 12 },
    { filter: { a: { $gt: 1 } }, sort: { a: -1, n: -1 }, limit: 30 },
    { filter: { a: "s1" }, sort: { n: -1 } },
    { filter: { a: { $in: [2, "s2", 4] } }, sort: { n: 1 } },
    { filter: { a: { $gt: 2, $lt: 1 } } }, // empty range
    { filter: { a: { $ne: 3 } }, sort: { a: 1, n: 1 }, limit: 25 },
    // A sort the index cannot give (sorted in memory after the walk).
    { filter: { g: 1 }, sort: { n: -1 }, limit: 4 },
    { filter: { a: { $gte: 3 } }, sort: { n: 1, _id: 1 }, limit: 6 },
    // Anchored regexes are ranges; others are not, and still answer the same.
    { filter: { word: { $regex: "^ab" } } },
    { filter: { word: { $regex: "^ab" } }, sort: { word: 1 } },
    { filter: { word: /^al/ } },
    { filter: { word: { $regex: "^abc?" } } },
    { filter: { word: { $regex: "^a\\|b" } } },
    { filter: { word: { $regex: "^b\\.c" } } },
    { filter: { word: { $regex: "^b.c" } } },
    { filter: { word: { $regex: "^x|b" } } },
    { filter: { word: { $regex: "^AB", $options: "i" } } },
    { filter: { word: { $regex: "ps" } } },
    { filter: { word: { $regex: "^" } }, sort: { word: -1, _id: 1 }, limit: 10 },
    // Multikey: each document once, whichever of its keys matched.
    { filter: { tags: "t1" }, sort: { at: -1, _id: -1 }, limit: 11 },
    { filter: { tags: { $in: ["t0", "t3"] } }, sort: { at: -1, _id: -1 } },
    { filter: { tags: { $regex: "^t" } } },
    { filter: { tags: { $gt: "t0", $lt: "t3" } } },
    { filter: { tags: { $size: 0 } } },
    // $and / $or around the index fields.
    { filter: { $and: [{ g: 1 }, { at: { $lte: t1 } }] }, sort: { at: -1, _id: -1 }, limit: 8 },
    { filter: { $or: [{ g: 1 }, { g: 3 }] }, sort: { at: -1, _id: -1 }, limit: 8 },
    { filter: { g: 2, $or: [{ at: { $lt: t0 } }, { at: t1 }] }, sort: { at: -1, _id: -1 } },
    { filter: { g: 2, $or: [{ a: 1 }, { n: { $lt: 50 } }] }, sort: { at: -1, _id: -1 } },
  ];

  it.each(reads.map((read) => [JSON.stringify(read), read] as const))("%s", async (_, read) => {
    await expectSameAnswers(pair, read);
  });

  it("pages through a keyset ($or tie on _id) exactly as the scan does, both spellings", async () => {
    const everything = await pair.plain.find({ g: 1 }, { sort: { at: -1, _id: -1 } }).toArray();
    for (const anchorAt of [0, 3, 17, everything.length - 2]) {
      const anchor = everything[anchorAt] as Document;
      const appShape = {
        g: 1,
        at: { $lte: anchor.at },
        $or: [{ at: { $lt: anchor.at } }, { _id: { $lt: anchor._id } }],
      };
      const canonical = {
        g: 1,
        $or: [{ at: { $lt: anchor.at } }, { at: anchor.at, _id: { $lt: anchor._id } }],
      };
      const newer = {
        g: 1,
        at: { $gte: anchor.at },
        $or: [{ at: { $gt: anchor.at } }, { _id: { $gte: anchor._id } }],
      };
      for (const filter of [appShape, canonical]) {
        await expectSameAnswers(pair, { filter, sort: { at: -1, _id: -1 }, limit: 5 });
        const page = await pair.indexed.find(filter, { sort: { at: -1, _id: -1 }, limit: 5 });
        expect(ids(await page.toArray())).toEqual(
          ids(everything.slice(anchorAt + 1, anchorAt + 6)),
        );
      }
      await expectSameAnswers(pair, { filter: newer, sort: { at: 1, _id: 1 }, limit: 5 });
    }
  });

  it("walks the index a hint names (by name or key pattern), in its order", async () => {
    const byName = await pair.indexed.find({ g: 0 }, { hint: "newest_first" }).toArray();
    const byKey = await pair.indexed.find({ g: 0 }, { hint: { at: -1, _id: -1 } }).toArray();
    const expected = await pair.plain.find({ g: 0 }, { sort: { at: -1, _id: -1 } }).toArray();
    expect(ids(byName)).toEqual(ids(expected));
    expect(ids(byKey)).toEqual(ids(expected));
  });

  describe("an index first walked after many writes, then kept up by further writes", () => {
    let later: Pair;
    /** The same writes to both collections: moves, multikey changes, deletes and inserts. */
    async function churn(round: number): Promise<void> {
      for (const collection of [later.indexed, later.plain]) {
        await collection.updateMany(
          { n: { $mod: [7, round] } },
          { $set: { g: (round + 1) % 4, at: new Date(start + round * 90_000), tags: ["t1"] } },
        );
        await collection.updateMany({ n: { $mod: [13, round] } }, { $set: { a: `s${round}` } });
        await collection.deleteMany({ n: { $mod: [17, round] } });
        await collection.insertMany(
          Array.from({ length: 12 }, (_, i) => ({
            _id: ObjectId.createFromTime(1_800_000_000 + round * 100 + i),
            g: i % 4,
            a: i % 3,
            at: new Date(start + (i % 5) * 60_000), // ties with the seeded documents
            word: WORDS[(i + round) % WORDS.length],
            tags: [`t${i % 4}`],
            n: 1000 + round * 100 + i,
          })),
        );
      }
    }

    beforeAll(async () => {
      later = await seededPair(t.freshDb(), sampleDocuments());
      await churn(1); // nothing has walked an index yet: every tree is built from these commits
    });

    it("answers every read like the scan, after the first walk and after more writes", async () => {
      for (const round of [2, 3]) {
        for (const read of reads) await expectSameAnswers(later, read);
        await churn(round);
      }
      for (const read of reads) await expectSameAnswers(later, read);
    });

    it("a snapshot older than the first walk reads its own version of the documents", async () => {
      const db = t.freshDb();
      const pair = await seededPair(db, sampleDocuments());
      const sort = { at: -1, _id: -1 } as const;
      const read = (collection: Collection, session: ClientSession) =>
        collection.find({ g: 1 }, { sort, limit: 30, session }).toArray().then(ids);
      let snapshot: string[] = [];
      await inSession(async (session) => {
        session.startTransaction({ readConcern: { level: "snapshot" } });
        const before = await read(pair.plain, session); // the snapshot starts here
        snapshot = before;
        later = pair;
        await churn(4); // committed outside the transaction, before any walk
        expect(await read(pair.indexed, session)).toEqual(before);
        await session.commitTransaction();
      });
      const now = await pair.plain.find({ g: 1 }, { sort, limit: 30 }).toArray();
      expect(await pair.indexed.find({ g: 1 }, { sort, limit: 30 }).toArray()).toEqual(now);
      expect(ids(now)).not.toEqual([]);
      expect(ids(now).slice(0, 30), "the other writes changed the answer").not.toEqual(snapshot);
    });
  });
});

describe("index walk: BSON order across types", () => {
  it("orders ObjectIds by their bytes, whichever byte differs", async () => {
    const items = t.freshDb().collection<{ _id: number; v: ObjectId }>("items");
    await items.createIndex({ v: 1 });
    // Each id differs from the others at one byte (high and low halves of each), in shuffled order.
    const hex = Array.from({ length: 12 }, (_, byte) =>
      ["0f", "f0"].map((value) => "00".repeat(byte) + value + "00".repeat(11 - byte)),
    ).flat();
    const shuffled = hex.map((_, i) => hex[(i * 7) % hex.length] as string);
    await items.insertMany(shuffled.map((id, i) => ({ _id: i, v: new ObjectId(id) })));
    const walked = await items.find({}, { sort: { v: 1 }, hint: "v_1" }).toArray();
    expect(walked.map((doc) => doc.v.toHexString())).toEqual([...hex].sort());
    const reversed = await items
      .find(
        { v: { $lt: new ObjectId("0f".padEnd(24, "0")) } },
        {
          sort: { v: -1 },
          hint: "v_1",
        },
      )
      .toArray();
    expect(reversed.map((doc) => doc.v.toHexString())).toEqual(
      [...hex]
        .sort()
        .reverse()
        .filter((id) => id < "0f".padEnd(24, "0")),
    );
  });

  it("orders null and missing, numbers, strings, objects, ObjectIds, booleans and dates as MongoDB does", async () => {
    const items = t.freshDb().collection<{ _id: number; v?: unknown }>("items");
    await items.createIndex({ v: 1 });
    const oid = new ObjectId("650000000000000000000001");
    const date = new Date(start);
    await items.insertMany([
      { _id: 1, v: date },
      { _id: 2, v: "b" },
      { _id: 3, v: true },
      { _id: 4, v: 10 },
      { _id: 5, v: oid },
      { _id: 6, v: null },
      { _id: 7, v: 2.5 },
      { _id: 8, v: "a" },
      { _id: 9 },
      { _id: 10, v: { x: 1 } },
      { _id: 11, v: false },
    ]);
    const ascending = await items.find({}, { sort: { v: 1 }, hint: "v_1" }).toArray();
    expect(ascending.map((doc) => doc._id)).toEqual([6, 9, 7, 4, 8, 2, 10, 5, 11, 3, 1]);
    const descending = await items.find({}, { sort: { v: -1 }, hint: "v_1" }).toArray();
    expect(descending.map((doc) => doc._id)).toEqual([1, 3, 11, 5, 10, 2, 8, 4, 7, 9, 6]);
    // Ranges stay within their type, as in MongoDB.
    const numbers = await items.find({ v: { $gt: 0 } }).toArray();
    expect(numbers.map((doc) => doc._id).sort()).toEqual([4, 7]);
    const dates = await items.find({ v: { $lte: new Date(start + 1) } }).toArray();
    expect(dates.map((doc) => doc._id)).toEqual([1]);
  });
});

async function inSession(work: (session: ClientSession) => Promise<void>): Promise<void> {
  const session = t.client.startSession();
  try {
    await work(session);
  } finally {
    await session.endSession();
  }
}

describe("index walk: what a snapshot sees", () => {
  type Item = { _id: number; g: number; at: Date };
  async function collectionWithIndex(): Promise<Collection<Item>> {
    const items = t.freshDb().collection<Item>("items");
    await items.createIndex({ g: 1, at: -1, _id: -1 });
    await items.insertMany(
      Array.from({ length: 30 }, (_, i) => ({ _id: i, g: i % 2, at: new Date(start + i * 1000) })),
    );
    return items;
  }
  const newestFirst = { sort: { at: -1, _id: -1 } } as const;
  const page = (items: Collection<Item>, options: Document = {}) =>
    items
      .find(
        { g: 0, at: { $lte: new Date(start + 20_000) } },
        { ...newestFirst, limit: 4, ...options },
      )
      .toArray()
      .then((docs) => docs.map((doc) => doc._id));

  it("a transaction reads its snapshot while others commit inserts, moves and deletes", async () => {
    const items = await collectionWithIndex();
    await inSession(async (session) => {
      session.startTransaction({ readConcern: { level: "snapshot" } });
      expect(await page(items, { session })).toEqual([20, 18, 16, 14]);
      await items.insertOne({ _id: 100, g: 0, at: new Date(start + 19_500) });
      await items.updateOne({ _id: 18 }, { $set: { at: new Date(start) } });
      await items.deleteOne({ _id: 16 });
      await items.updateOne({ _id: 3 }, { $set: { g: 0, at: new Date(start + 17_000) } });
      expect(await page(items, { session })).toEqual([20, 18, 16, 14]);
      expect(await items.countDocuments({ g: 0 }, { session })).toBe(15);
      expect(await page(items)).toEqual([20, 100, 3, 14]);
      await session.commitTransaction();
    });
    expect(await page(items)).toEqual([20, 100, 3, 14]);
    expect(await items.countDocuments({ g: 0 })).toBe(16);
  });

  it("a transaction sees its own uncommitted inserts, updates and deletes in index order; an abort leaves nothing", async () => {
    const items = await collectionWithIndex();
    await inSession(async (session) => {
      session.startTransaction();
      await items.insertOne({ _id: 200, g: 0, at: new Date(start + 19_000) }, { session });
      await items.updateOne({ _id: 20 }, { $set: { at: new Date(start + 1) } }, { session });
      await items.deleteOne({ _id: 18 }, { session });
      await items.updateOne({ _id: 5 }, { $set: { g: 0 } }, { session });
      expect(await page(items, { session })).toEqual([200, 16, 14, 12]);
      expect(await page(items, { session, sort: { at: 1, _id: 1 }, limit: 3 })).toEqual([0, 20, 2]);
      expect(await items.countDocuments({ g: 0 }, { session })).toBe(16);
      expect(
        (
          await items
            .find(
              { g: 0, at: { $gt: new Date(start + 3500) } },
              { session, ...newestFirst, limit: 3 },
            )
            .toArray()
        ).map((doc) => doc._id),
      ).toEqual([28, 26, 24]);
      expect(await page(items)).toEqual([20, 18, 16, 14]);
      await session.abortTransaction();
    });
    expect(await page(items)).toEqual([20, 18, 16, 14]);
    expect(await items.countDocuments({ g: 0 })).toBe(15);
    expect(await items.estimatedDocumentCount()).toBe(30);
  });
});

describe("index walk: documents examined", () => {
  it("reads about a page of documents for a page deep in a 20,000-entry index; a scan reads them all", async () => {
    const db = t.freshDb();
    const items = db.collection("items");
    const unindexed = db.collection("unindexed");
    await items.createIndex({ owner: 1, at: -1, _id: -1 });
    const docs = Array.from({ length: 20_000 }, (_, i) => ({
      _id: new ObjectId(),
      owner: i % 10 === 0 ? "other" : "heavy",
      at: new Date(start + Math.floor(i / 3) * 1000), // three entries a second: ties on `at`
    }));
    for (let i = 0; i < docs.length; i += 5000) {
      await items.insertMany(docs.slice(i, i + 5000));
      await unindexed.insertMany(docs.slice(i, i + 5000));
    }
    const heavy = docs.filter((doc) => doc.owner === "heavy").reverse(); // newest first
    const anchor = heavy[15_000] as (typeof docs)[number];
    const deepPage = {
      owner: "heavy",
      at: { $lte: anchor.at },
      $or: [{ at: { $lt: anchor.at } }, { _id: { $lt: anchor._id } }],
    };
    const examined = () => t.server.documentsExamined().find ?? 0;

    const before = examined();
    const found = await items.find(deepPage, { sort: { at: -1, _id: -1 }, limit: 50 }).toArray();
    const viaIndex = examined() - before;
    expect(found.map((doc) => String(doc._id))).toEqual(
      heavy.slice(15_001, 15_051).map((doc) => String(doc._id)),
    );
    expect(viaIndex).toBeLessThanOrEqual(52);

    const beforeScan = examined();
    const scanned = await unindexed
      .find(deepPage, { sort: { at: -1, _id: -1 }, limit: 50 })
      .toArray();
    expect(scanned.map((doc) => String(doc._id))).toEqual(found.map((doc) => String(doc._id)));
    expect(examined() - beforeScan).toBe(20_000);

    const beforeCount = t.server.documentsExamined().count ?? 0;
    expect(await items.estimatedDocumentCount()).toBe(20_000);
    expect(t.server.documentsExamined().count ?? 0).toBe(beforeCount);
    const status = await db.admin().command({ serverStatus: 1 });
    expect(Number(status.metrics.queryExecutor.scannedObjects)).toBeGreaterThanOrEqual(20_000);
  });

  it("an aggregation's $match, $limit, $match, $limit stops reading once the last limit is reached, as MongoDB streams it", async () => {
    const db = t.freshDb();
    type Streamed = { _id: number; keys: string[]; n: number };
    const items = db.collection<Streamed>("streamed");
    const unindexed = db.collection<Streamed>("streamed_unindexed");
    await items.createIndex({ keys: 1, n: -1 });
    const docs = Array.from({ length: 3000 }, (_, i) => ({
      _id: i,
      keys: [`ab${i % 7}`, `word${i % 3}`],
      n: i,
    }));
    await items.insertMany(docs);
    await unindexed.insertMany(docs);
    const pipeline = [
      { $match: { keys: { $regex: "^ab" } } },
      { $limit: 2000 },
      { $match: { keys: { $regex: "^word1" } } },
      { $limit: 20 },
      { $sort: { n: 1 } },
    ];
    const examined = () => t.server.documentsExamined().aggregate ?? 0;
    const before = examined();
    const viaIndex = await items.aggregate(pipeline, { hint: "keys_1_n_-1" }).toArray();
    expect(examined() - before).toBeLessThanOrEqual(70);
    expect(viaIndex).toHaveLength(20);
    // The same 20 as the whole index order gives: the first 20 with word1 among the first 2,000 by key.
    const inIndexOrder = [...docs]
      .filter((doc) => doc.keys.some((key) => key.startsWith("ab")))
      .sort((a, b) => (a.keys[0] as string).localeCompare(b.keys[0] as string) || b.n - a.n)
      .slice(0, 2000)
      .filter((doc) => doc.keys.includes("word1"))
      .slice(0, 20)
      .map((doc) => doc.n)
      .sort((a, b) => a - b);
    expect(viaIndex.map((doc) => doc.n)).toEqual(inIndexOrder);
    const scanned = await unindexed
      .aggregate([
        { $match: { keys: { $regex: "^ab" } } },
        { $match: { keys: { $regex: "^word1" } } },
        { $count: "n" },
      ])
      .toArray();
    expect(scanned[0]?.n).toBe(1000);
  });
});
