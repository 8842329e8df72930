import type { Collection, Document, MongoServerError } from "mongodb";
import { beforeAll, describe, expect, it } from "vitest";
import { planVerdict, readExplain } from "../query-plan/explain-plan.js";
import { useWireServer } from "./harness.js";

const t = useWireServer();

let orders: Collection<Document & { _id: number }>;
const start = Date.UTC(2026, 0, 1);

beforeAll(async () => {
  orders = t.freshDb().collection("orders");
  await orders.createIndexes([
    { key: { status: 1, at: -1 }, name: "by_status_newest" },
    { key: { ref: 1 }, name: "ref_unique", unique: true },
    { key: { tags: 1 }, name: "by_tag" },
  ]);
  const docs: (Document & { _id: number })[] = [];
  for (let i = 0; i < 60; i++) {
    docs.push({
      _id: i,
      ref: `R${i}`,
      status: i % 3 === 0 ? "open" : "closed",
      at: new Date(start + i * 60_000),
      amount: (i * 37) % 100,
      tags: [`t${i % 4}`, `t${i % 5}`],
    });
  }
  await orders.insertMany(docs);
});

/** Stage names of a classic plan tree, outermost first. */
function stagesOf(plan: Document | undefined): string[] {
  const names: string[] = [];
  for (let stage = plan; stage; stage = stage.inputStage) names.push(stage.stage);
  return names;
}

/** The deepest stage of a one-input chain (the scan). */
function leafOf(plan: Document): Document {
  let stage = plan;
  while (stage.inputStage) stage = stage.inputStage;
  return stage;
}

describe("explain of find", () => {
  it("an equality and a sort an index gives: FETCH over an IXSCAN of that index, no SORT", async () => {
    const explained = await orders
      .find({ status: "open" }, { sort: { at: -1 } })
      .explain("executionStats");
    const { winningPlan } = explained.queryPlanner;
    expect(stagesOf(winningPlan)).toEqual(["FETCH", "IXSCAN"]);
    expect(leafOf(winningPlan)).toMatchObject({
      indexName: "by_status_newest",
      keyPattern: { status: 1, at: -1 },
      direction: "forward",
      isMultiKey: false,
    });
    expect(explained.queryPlanner.namespace).toBe(orders.namespace);
    expect(explained.executionStats).toMatchObject({
      executionSuccess: true,
      nReturned: 20,
      totalDocsExamined: 20,
    });
    expect(explained.executionStats.executionStages).toMatchObject({
      stage: "FETCH",
      nReturned: 20,
      docsExamined: 20,
      inputStage: { stage: "IXSCAN", indexName: "by_status_newest" },
    });
    expect(explained).toMatchObject({ ok: 1, explainVersion: "1" });
    expect(explained.command).toMatchObject({ find: "orders", filter: { status: "open" } });
    expect(readExplain(explained)).toMatchObject({
      stages: ["FETCH", "IXSCAN"],
      indexes: ["by_status_newest"],
      problems: [],
      docsExamined: 20,
      returned: 20,
    });
  });

  it("the reverse of the index's order walks it backward", async () => {
    const explained = await orders
      .find({ status: "closed" }, { sort: { at: 1 } })
      .explain("executionStats");
    expect(leafOf(explained.queryPlanner.winningPlan)).toMatchObject({
      indexName: "by_status_newest",
      direction: "backward",
    });
  });

  it("a filter on an unindexed field scans the collection: COLLSCAN, every document examined", async () => {
    const explained = await orders.find({ amount: { $gt: 50 } }).explain("executionStats");
    expect(explained.queryPlanner.winningPlan).toMatchObject({
      stage: "COLLSCAN",
      filter: { amount: { $gt: 50 } },
      direction: "forward",
    });
    expect(explained.executionStats.totalDocsExamined).toBe(60);
    const matches = await orders.countDocuments({ amount: { $gt: 50 } });
    expect(explained.executionStats.nReturned).toBe(matches);
    const reading = readExplain(explained);
    expect(reading.problems).toEqual(["COLLSCAN: reads every document"]);
    expect(planVerdict({ ok: true, index: "rules said fine" }, false, reading).ok).toBe(false);
  });

  it("a sort the index cannot give is a blocking SORT (with the limit it keeps) over the walk", async () => {
    const explained = await orders
      .find({ status: "open" }, { sort: { amount: 1 }, limit: 3 })
      .explain("executionStats");
    const plan = explained.queryPlanner.winningPlan;
    expect(stagesOf(plan)).toEqual(["SORT", "FETCH", "IXSCAN"]);
    expect(plan).toMatchObject({ sortPattern: { amount: 1 }, limitAmount: 3 });
    expect(explained.executionStats).toMatchObject({ nReturned: 3, totalDocsExamined: 20 });
    expect(readExplain(explained).problems).toEqual([
      "SORT: sorts in memory (no index gives the order)",
    ]);
  });

  it("a limit over an index in order reads only as many documents as it returns", async () => {
    const explained = await orders
      .find({ status: "closed" }, { sort: { at: -1 }, limit: 5 })
      .explain("executionStats");
    expect(stagesOf(explained.queryPlanner.winningPlan)).toEqual(["LIMIT", "FETCH", "IXSCAN"]);
    expect(explained.queryPlanner.winningPlan.limitAmount).toBe(5);
    expect(explained.executionStats).toMatchObject({ nReturned: 5, totalDocsExamined: 5 });
  });

  it("skip and limit stack as LIMIT over SKIP, and the reader reports the SKIP", async () => {
    const explained = await orders
      .find({ status: "closed" }, { sort: { at: -1 }, skip: 10, limit: 5 })
      .explain("executionStats");
    const plan = explained.queryPlanner.winningPlan;
    expect(stagesOf(plan)).toEqual(["LIMIT", "SKIP", "FETCH", "IXSCAN"]);
    expect(explained.executionStats).toMatchObject({ nReturned: 5, totalDocsExamined: 15 });
    expect(readExplain(explained).problems).toEqual([expect.stringMatching(/^SKIP/)]);
  });

  it("a hint is followed: the hinted index is walked even where another would be chosen", async () => {
    const hinted = await orders
      .find({ status: "open", ref: { $gte: "R" } }, { hint: "ref_unique" })
      .explain("executionStats");
    expect(leafOf(hinted.queryPlanner.winningPlan).indexName).toBe("ref_unique");
    const natural = await orders
      .find({ status: "open" }, { hint: { $natural: 1 } })
      .explain("executionStats");
    expect(natural.queryPlanner.winningPlan.stage).toBe("COLLSCAN");
  });

  it("look-ups by _id and by a unique key name the index they use", async () => {
    const byId = await orders.find({ _id: 7 }).explain("executionStats");
    expect(byId.queryPlanner.winningPlan.stage).toBe("IDHACK");
    expect(byId.executionStats).toMatchObject({ nReturned: 1, totalDocsExamined: 1 });
    const byRef = await orders.find({ ref: "R8", status: "closed" }).explain("executionStats");
    expect(stagesOf(byRef.queryPlanner.winningPlan)).toEqual(["FETCH", "IXSCAN"]);
    expect(readExplain(byRef).indexes).toEqual(["ref_unique"]);
    const either = await orders
      .find({ $or: [{ _id: 1 }, { ref: "R2" }] })
      .explain("executionStats");
    expect(readExplain(either)).toMatchObject({ indexes: ["_id_", "ref_unique"], problems: [] });
    expect(either.executionStats.nReturned).toBe(2);
  });

  it("an equality on null walks the index (null and missing share a key), so it gives the sort", async () => {
    const entries = t.freshDb().collection("entries");
    await entries.createIndexes([
      { key: { c: 1, approvalId: 1, at: -1 }, name: "by_approval" },
      { key: { approvalId: 1 }, name: "sparse_approval", sparse: true },
    ]);
    await entries.insertMany(
      Array.from({ length: 30 }, (_, i) => ({
        c: i % 2,
        at: new Date(start + i * 1000),
        ...(i % 3 === 0 ? {} : { approvalId: i % 3 === 1 ? null : `A${i}` }),
      })),
    );
    const query = { c: 1, approvalId: { $eq: null } };
    const explained = await entries.find(query, { sort: { at: -1 } }).explain("executionStats");
    expect(stagesOf(explained.queryPlanner.winningPlan)).toEqual(["FETCH", "IXSCAN"]);
    expect(leafOf(explained.queryPlanner.winningPlan).indexName).toBe("by_approval");
    const walked = await entries.find(query, { sort: { at: -1 } }).toArray();
    const scanned = await entries
      .find(query, { sort: { at: -1 }, hint: { $natural: 1 } })
      .toArray();
    expect(walked.map((doc) => doc.at)).toEqual(scanned.map((doc) => doc.at));
    expect(walked).toHaveLength(10); // the odd c's without an approval: missing or null
    expect(explained.executionStats.totalDocsExamined).toBe(10);
    // A sparse index lacks the documents missing the field: it cannot answer null.
    const sparse = await entries.find({ approvalId: null }).explain("executionStats");
    expect(sparse.queryPlanner.winningPlan.stage).toBe("COLLSCAN");
    expect(await entries.countDocuments({ approvalId: null })).toBe(20);
  });

  it("a partial index is walked when the filter implies its filter, and only then", async () => {
    const links = t.freshDb().collection("links");
    await links.createIndex(
      { seq: 1 },
      { name: "chain", unique: true, partialFilterExpression: { seq: { $gt: 0 } } },
    );
    await links.insertMany(
      Array.from({ length: 20 }, (_, i) => (i < 5 ? { n: i } : { n: i, seq: 25 - i })),
    );
    const chained = { seq: { $gt: 0, $lte: 12 } };
    const explained = await links.find(chained, { sort: { seq: 1 } }).explain("executionStats");
    expect(stagesOf(explained.queryPlanner.winningPlan)).toEqual(["FETCH", "IXSCAN"]);
    expect(leafOf(explained.queryPlanner.winningPlan)).toMatchObject({
      indexName: "chain",
      isPartial: true,
    });
    const walked = await links.find(chained, { sort: { seq: 1 } }).toArray();
    expect(walked.map((doc) => doc.seq)).toEqual([6, 7, 8, 9, 10, 11, 12]);
    expect(explained.executionStats.totalDocsExamined).toBe(7);
    // `$gte: 0` reaches documents the index leaves out (none here, but it cannot know): a scan.
    const wider = await links.find({ seq: { $gte: 0 } }, { sort: { seq: 1 } }).explain();
    expect(stagesOf(wider.queryPlanner.winningPlan)).toEqual(["SORT", "COLLSCAN"]);
  });

  it("a multikey index says so", async () => {
    const explained = await orders.find({ tags: "t1" }).explain("executionStats");
    expect(leafOf(explained.queryPlanner.winningPlan)).toMatchObject({
      indexName: "by_tag",
      isMultiKey: true,
    });
  });

  it("a projection is a PROJECTION stage on top", async () => {
    const explained = await orders
      .find({ status: "open" }, { projection: { ref: 1 }, sort: { at: -1 } })
      .explain("executionStats");
    expect(stagesOf(explained.queryPlanner.winningPlan)).toEqual([
      "PROJECTION_SIMPLE",
      "FETCH",
      "IXSCAN",
    ]);
  });

  it("queryPlanner verbosity has the plan and no execution stats", async () => {
    const explained = await orders.find({ status: "open" }).explain("queryPlanner");
    expect(stagesOf(explained.queryPlanner.winningPlan)).toEqual(["FETCH", "IXSCAN"]);
    expect(explained).not.toHaveProperty("executionStats");
    const all = await orders.find({ status: "open" }).explain("allPlansExecution");
    expect(all.executionStats).toMatchObject({ nReturned: 20, allPlansExecution: [] });
  });

  it("a collection that does not exist has the EOF plan, whatever the filter", async () => {
    const missing = t.freshDb().collection("missing");
    const explained = await missing.find({ amount: 1 }).explain("executionStats");
    expect(explained.queryPlanner.winningPlan).toEqual({ stage: "EOF" });
    expect(explained.executionStats).toMatchObject({ nReturned: 0, totalDocsExamined: 0 });
  });

  it("returns no documents and leaves no cursor: the next find sees the same data", async () => {
    const explained = await orders.find({ status: "open" }).explain("executionStats");
    expect(explained).not.toHaveProperty("cursor");
    expect(await orders.countDocuments({ status: "open" })).toBe(20);
  });
});

describe("explain of aggregate", () => {
  it("a leading $match through an index is the $cursor's IXSCAN; later stages follow as given", async () => {
    const explained = await orders
      .aggregate([
        { $match: { status: "open" } },
        { $sort: { at: -1 } },
        { $group: { _id: "$status", n: { $sum: 1 } } },
      ])
      .explain("executionStats");
    expect(explained.stages).toHaveLength(2);
    const cursor = explained.stages[0].$cursor;
    expect(stagesOf(cursor.queryPlanner.winningPlan)).toEqual(["FETCH", "IXSCAN"]);
    expect(cursor.executionStats).toMatchObject({ nReturned: 20, totalDocsExamined: 20 });
    expect(explained.stages[1]).toEqual({ $group: { _id: "$status", n: { $sum: 1 } } });
    expect(readExplain(explained)).toMatchObject({
      indexes: ["by_status_newest"],
      problems: [],
      docsExamined: 20,
    });
  });

  it("a $limit after the sort bounds the walk; a pipeline that is all query answers like a find", async () => {
    const explained = await orders
      .aggregate([{ $match: { status: "closed" } }, { $sort: { at: -1 } }, { $limit: 4 }])
      .explain("executionStats");
    expect(explained.queryPlanner.optimizedPipeline).toBe(true);
    expect(stagesOf(explained.queryPlanner.winningPlan)).toEqual(["LIMIT", "FETCH", "IXSCAN"]);
    expect(explained.executionStats).toMatchObject({ nReturned: 4, totalDocsExamined: 4 });
    expect(readExplain(explained).problems).toEqual([]);
  });

  it("stages streamed after a limit stay in the pipeline, and the walk still stops early", async () => {
    const explained = await orders
      .aggregate([
        { $match: { status: "closed" } },
        { $sort: { at: -1 } },
        { $limit: 10 },
        { $match: { amount: { $lt: 50 } } },
        { $limit: 2 },
      ])
      .explain("executionStats");
    const cursor = explained.stages[0].$cursor;
    expect(stagesOf(cursor.queryPlanner.winningPlan)).toEqual(["LIMIT", "FETCH", "IXSCAN"]);
    // Closed orders newest first: the 4th is the 2nd with an amount under 50, and the read stops.
    expect(cursor.executionStats.totalDocsExamined).toBe(4);
    expect(explained.stages.slice(1)).toEqual([{ $match: { amount: { $lt: 50 } } }, { $limit: 2 }]);
  });

  it("a $sort no index gives is a SORT in the $cursor; no leading $match is a COLLSCAN", async () => {
    const sorted = await orders
      .aggregate([
        { $match: { status: "open" } },
        { $sort: { amount: -1 } },
        { $skip: 1 },
        { $count: "n" },
      ])
      .explain("executionStats");
    expect(readExplain(sorted).problems).toEqual([
      "SORT: sorts in memory (no index gives the order)",
      "$skip stage: reads and throws away the skipped documents",
    ]);
    const grouped = await orders
      .aggregate([{ $group: { _id: "$status" } }])
      .explain("executionStats");
    expect(grouped.stages[0].$cursor.queryPlanner.winningPlan.stage).toBe("COLLSCAN");
    expect(grouped.stages[0].$cursor.executionStats.totalDocsExamined).toBe(60);
  });

  it("the legacy `explain: true` option of aggregate answers the query plan", async () => {
    const answer = await t.freshDb().command({
      aggregate: "orders",
      pipeline: [{ $match: { status: "open" } }],
      explain: true,
    });
    expect(answer).toMatchObject({ ok: 1 });
    // A fresh database: no such collection, nothing to read (MongoDB's EOF plan).
    expect(answer.queryPlanner.winningPlan).toEqual({ stage: "EOF" });
    const onOrders = await t.client.db(orders.dbName).command({
      aggregate: "orders",
      pipeline: [{ $match: { status: "open" } }, { $project: { ref: 1 } }],
      explain: true,
    });
    expect(onOrders.stages[0].$cursor).not.toHaveProperty("executionStats");
    expect(readExplain(onOrders).indexes).toEqual(["by_status_newest"]);
  });
});

describe("explain refuses what it cannot explain, as mongod does", () => {
  const refusal = (command: Document) =>
    t.client
      .db(orders.dbName)
      .command(command)
      .then(
        () => undefined,
        (error: unknown) => error as MongoServerError,
      );

  it("an unknown verbosity, a verbosity that is not a string, an explain that is not a command", async () => {
    expect(await refusal({ explain: { find: "orders" }, verbosity: "everything" })).toMatchObject({
      code: 9,
      message: expect.stringMatching(/verbosity string must be one of/),
    });
    expect(await refusal({ explain: { find: "orders" }, verbosity: 1 })).toMatchObject({
      code: 9,
    });
    expect(await refusal({ explain: 1 })).toMatchObject({
      code: 2,
      message: "explain command requires a nested object",
    });
    expect(await refusal({ explain: { find: "orders", $db: "elsewhere" } })).toMatchObject({
      code: 73,
    });
  });

  it("commands other than find and aggregate, and options the command does not take", async () => {
    expect(await refusal({ explain: { count: "orders" } })).toMatchObject({
      code: 2,
      message: expect.stringMatching(/explain of 'count' is not supported/),
    });
    expect(
      await refusal({ explain: { find: "orders", collation: { locale: "fr" } } }),
    ).toMatchObject({
      code: 2,
      message: expect.stringMatching(/collation/),
    });
  });

  it("inside a transaction, as in MongoDB", async () => {
    const session = t.client.startSession();
    try {
      session.startTransaction();
      await orders.findOne({}, { session });
      const error = await orders
        .find({}, { session })
        .explain("queryPlanner")
        .catch((e: unknown) => e as MongoServerError);
      expect(error).toMatchObject({ code: 263 });
    } finally {
      await session.abortTransaction().catch(() => undefined);
      await session.endSession();
    }
  });
});
