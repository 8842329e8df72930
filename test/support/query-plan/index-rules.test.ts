import { describe, expect, it } from "vitest";
import type { IndexSpec } from "../../../src/db/indexes.js";
import { checkShape } from "./index-rules.js";
import { queryShapes, shapeText } from "./query-shape.js";

const specs: IndexSpec[] = [
  { key: { account: 1 }, name: "account_unique", unique: true },
  { key: { createdAt: -1, _id: -1 }, name: "newest_first" },
  { key: { status: 1, createdAt: -1, _id: -1 }, name: "by_status" },
  { key: { state: 1, lane: 1, at: 1 }, name: "by_lane" },
  {
    key: { customerId: 1 },
    name: "one_pending",
    unique: true,
    partialFilterExpression: { state: "pending" },
  },
];

/** The one query a command sends. */
function shapeOf(commandName: string, command: Record<string, unknown>) {
  const [shape] = queryShapes(commandName, command);
  if (!shape) throw new Error(`no query in ${commandName}`);
  return shape;
}

const find = (filter: object, options: Record<string, unknown> = {}) =>
  checkShape(shapeOf("find", { find: "c", filter, ...options }), specs);
const passes = (index: string) => ({ ok: true, index });
const fails = (problem: RegExp) => ({ ok: false, problem: expect.stringMatching(problem) });

describe("the query-plan rules", () => {
  it("equality fields must form an index prefix, in any order", () => {
    expect(find({ lane: "C1", state: "pending" })).toEqual(passes("by_lane"));
    expect(find({ lane: "C1" })).toEqual(fails(/no declared index starts with lane/));
    expect(find({ state: "pending", kind: "x" })).toEqual(fails(/equality on kind/));
  });

  it("sort fields follow the equalities in index order, or all reversed", () => {
    expect(find({ status: "active" }, { sort: { createdAt: -1, _id: -1 } })).toEqual(
      passes("by_status"),
    );
    expect(find({ status: "active" }, { sort: { createdAt: 1, _id: 1 } })).toEqual(
      passes("by_status"),
    );
    expect(find({ status: "active" }, { sort: { createdAt: -1, _id: 1 } })).toEqual(
      fails(/sorted in memory/),
    );
    expect(find({ status: "active" }, { sort: { account: 1 } })).toEqual(fails(/sorted in memory/));
    expect(find({}, { sort: { createdAt: -1, _id: -1 }, limit: 10 })).toEqual(
      passes("newest_first"),
    );
  });

  it("range fields come after the equality and sort fields", () => {
    expect(find({ state: "pending", lane: "C1", at: { $lte: new Date() } })).toEqual(
      passes("by_lane"),
    );
    expect(find({ state: "pending", at: { $lte: new Date() } })).toEqual(passes("by_lane"));
    expect(find({ status: "active", expiresAt: { $gt: new Date() } })).toEqual(
      fails(/expiresAt \(range\) not in/),
    );
    expect(find({ createdAt: { $lt: new Date() } }, { sort: { createdAt: -1 }, limit: 5 })).toEqual(
      passes("newest_first"),
    );
  });

  it("$in counts as equality, but a sort after more than 200 values is done in memory", () => {
    const few = Array.from({ length: 3 }, (_, i) => `s${i}`);
    const many = Array.from({ length: 201 }, (_, i) => `s${i}`);
    expect(find({ status: { $in: few } }, { sort: { createdAt: -1, _id: -1 } })).toEqual(
      passes("by_status"),
    );
    expect(find({ status: { $in: many } }, { sort: { createdAt: -1, _id: -1 } })).toEqual(
      fails(/more than 200/),
    );
    expect(find({ status: { $in: many } })).toEqual(passes("by_status"));
  });

  it("$or needs every branch indexed", () => {
    expect(find({ $or: [{ account: "a@x" }, { status: "active" }] })).toEqual(
      passes("account_unique + by_status"),
    );
    expect(find({ $or: [{ account: "a@x" }, { name: "Ana" }] })).toEqual(fails(/\$or branch 2/));
  });

  it("unanchored and case-insensitive regexes scan; an anchored prefix is a range", () => {
    expect(find({ account: /^ana/ })).toEqual(passes("account_unique"));
    expect(find({ account: { $regex: "^ana" } })).toEqual(passes("account_unique"));
    expect(find({ account: /ana/ })).toEqual(fails(/unanchored regex on account/));
    expect(find({ account: /^ana/i })).toEqual(fails(/case-insensitive regex/));
    expect(find({ account: { $regex: "^ana", $options: "i" } })).toEqual(fails(/case-insensitive/));
  });

  it("skip beyond 0 fails, skip 0 does not", () => {
    expect(find({ status: "a" }, { sort: { createdAt: -1, _id: -1 }, skip: 20 })).toEqual(
      fails(/skip/),
    );
    expect(find({ status: "a" }, { sort: { createdAt: -1, _id: -1 }, skip: 0 })).toEqual(
      passes("by_status"),
    );
  });

  it("an _id equality or a unique index's equality is a point lookup, whatever else it filters", () => {
    expect(find({ _id: "pool", credits: { $gte: 5 } })).toEqual(passes("_id_"));
    expect(find({ _id: { $in: ["a", "b"] } })).toEqual(passes("_id_"));
    expect(find({ account: "a@x", name: /ana/i })).toEqual(passes("account_unique"));
  });

  it("validation conditions ($type, $ne, $expr) filter what an index walk fetches; alone they bound nothing", () => {
    const wellFormed = { at: { $type: "date" }, $expr: { $gte: ["$amount", 0] } };
    expect(
      find({ status: "a", ...wellFormed }, { sort: { createdAt: -1, _id: -1 }, limit: 5 }),
    ).toEqual(passes("by_status"));
    expect(find({ status: "a", kind: { $ne: "x" } })).toEqual(passes("by_status"));
    expect(find({ kind: { $ne: "x" } })).toEqual(fails(/no declared index|bounds/));
  });

  it("a partial index serves only queries that state its condition", () => {
    expect(find({ customerId: "C1", state: "pending" })).toEqual(passes("one_pending"));
    expect(find({ customerId: "C1" })).toEqual(fails(/no declared index|partial/));
  });

  it("a filterless read is fine with a limit, and reads everything without", () => {
    expect(find({}, { limit: 1 })).toEqual({ ok: true, index: expect.stringMatching(/limit/) });
    expect(find({})).toEqual(fails(/whole collection/));
  });

  it("counts need a limit, except the metadata count", () => {
    const countDocuments = (filter: object, limit?: number) =>
      checkShape(
        shapeOf("aggregate", {
          aggregate: "c",
          pipeline: [
            { $match: filter },
            ...(limit ? [{ $limit: limit }] : []),
            { $group: { _id: 1, n: { $sum: 1 } } },
          ],
        }),
        specs,
      );
    expect(countDocuments({ status: "active" })).toEqual(fails(/counts every match/));
    expect(countDocuments({ status: "active" }, 1001)).toEqual(passes("by_status"));
    expect(checkShape(shapeOf("count", { count: "c" }), specs)).toEqual({
      ok: true,
      index: "none: collection metadata",
    });
  });

  it("an aggregate is checked by its leading $match and $sort", () => {
    const aggregate = (pipeline: object[]) =>
      checkShape(shapeOf("aggregate", { aggregate: "c", pipeline }), specs);
    expect(
      aggregate([
        { $match: { status: "a" } },
        { $sort: { createdAt: -1, _id: -1 } },
        { $limit: 5 },
      ]),
    ).toEqual(passes("by_status"));
    expect(aggregate([{ $match: { status: "a" } }, { $sort: { name: 1 } }, { $limit: 5 }])).toEqual(
      fails(/sorted in memory/),
    );
    expect(aggregate([{ $group: { _id: "$status" } }])).toEqual(fails(/starts with \$group/));
  });

  it("updates, deletes and findAndModify are checked by their filter", () => {
    const update = queryShapes("update", {
      update: "c",
      updates: [
        { q: { _id: "x" }, u: {} },
        { q: { name: "Ana" }, u: {}, multi: true },
      ],
    });
    expect(update.map((shape) => checkShape(shape, specs).ok)).toEqual([true, false]);
    expect(
      checkShape(
        shapeOf("delete", { delete: "c", deletes: [{ q: { lane: "C1" }, limit: 0 }] }),
        specs,
      ),
    ).toEqual(fails(/no declared index/));
    expect(
      checkShape(
        shapeOf("findAndModify", {
          findAndModify: "c",
          query: { state: "pending" },
          sort: { lane: 1, at: 1 },
        }),
        specs,
      ),
    ).toEqual(passes("by_lane"));
  });

  it("names a shape without its values", () => {
    const shape = shapeOf("find", {
      find: "c",
      filter: { status: "active", $or: [{ account: /^a/ }, { _id: { $in: [1, 2] } }] },
      sort: { createdAt: -1 },
      limit: 10,
    });
    expect(shapeText(shape)).toBe(
      "find {status: =, $or: [{account: ^prefix} | {_id: $in}]} sort {createdAt: -1} limit",
    );
  });
});
