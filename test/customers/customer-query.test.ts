import { describe, expect, it } from "vitest";
import {
  boundedCount,
  escapeRegex,
  listCountPlan,
  listPagePlan,
  searchCandidateLimit,
} from "../../src/customers/customer-query.js";

const position = { createdAt: new Date("2026-01-01T00:00:00Z"), id: "ID" };

describe("list queries", () => {
  it("escapes every regex metacharacter so user text matches literally", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the point is a literal "${}" in user text
    const text = ".*+?^${}()|[]\\/-";
    expect(new RegExp(escapeRegex(text)).test(text)).toBe(true);
    expect(new RegExp(escapeRegex(".*")).test("anything")).toBe(false);
  });

  it("text: the longest word's anchored prefix is the index range, capped; the other words, filters and position are checked on the candidates", () => {
    const plan = listPagePlan(
      { text: "Acme a.b", teamType: "enterprise", tag: "vip" },
      { direction: "after", position },
      11,
    );
    expect(plan).toEqual({
      hint: "search_keys",
      pipeline: [
        { $match: { searchKeys: { $regex: "^acme" } } },
        { $limit: searchCandidateLimit },
        {
          $match: {
            $and: [
              { searchKeys: { $regex: "^a\\.b" } },
              { teamType: { $eq: "enterprise" }, tag: { $eq: "vip" } },
              {
                createdAt: { $lte: position.createdAt },
                $or: [{ createdAt: { $lt: position.createdAt } }, { _id: { $lt: "ID" } }],
              },
            ],
          },
        },
        { $sort: { createdAt: -1, _id: -1 } },
        { $limit: 11 },
      ],
    });
  });

  it("no text: filters and position on the index of the most selective filter, in the index's order", () => {
    expect(
      listPagePlan({ status: "off", tag: "vip" }, { direction: "before", position }, 11),
    ).toEqual({
      hint: "by_tag",
      pipeline: [
        {
          $match: {
            $and: [
              { status: { $eq: "off" }, tag: { $eq: "vip" } },
              {
                createdAt: { $gte: position.createdAt },
                $or: [{ createdAt: { $gt: position.createdAt } }, { _id: { $gt: "ID" } }],
              },
            ],
          },
        },
        { $sort: { createdAt: 1, _id: 1 } },
        { $limit: 11 },
      ],
    });
    expect(listPagePlan({}, "newest", 11)).toEqual({
      hint: "newest_first",
      pipeline: [{ $match: {} }, { $sort: { createdAt: -1, _id: -1 } }, { $limit: 11 }],
    });
    expect(listPagePlan({ teamType: "default" }, "oldest", 11).pipeline[1]).toEqual({
      $sort: { createdAt: 1, _id: 1 },
    });
  });

  it("counts: the collection's own count for everyone, at most 1,001 index keys with filters, capped candidates with text", () => {
    expect(listCountPlan({})).toEqual({ kind: "everyone" });
    expect(listCountPlan({ teamType: "individual" })).toEqual({
      kind: "exact-filters",
      filter: { teamType: { $eq: "individual" } },
      hint: "by_team_type",
      limit: 1001,
    });
    const text = listCountPlan({ text: "acme", status: "on" });
    expect(text).toMatchObject({
      kind: "text",
      hint: "search_keys",
      pipeline: [
        { $match: { searchKeys: { $regex: "^acme" } } },
        { $limit: searchCandidateLimit + 1 },
        {
          $facet: {
            candidates: [{ $count: "n" }],
            matched: [
              { $limit: searchCandidateLimit },
              { $match: { status: { $eq: "on" } } },
              { $limit: 1001 },
              { $count: "n" },
            ],
          },
        },
      ],
    });
  });

  it("a bounded count is exact up to 1,000, “at least 1,000” beyond, and “at least” when candidates were cut", () => {
    expect(boundedCount(1000)).toEqual({ count: 1000, atLeast: false });
    expect(boundedCount(1001)).toEqual({ count: 1000, atLeast: true });
    expect(boundedCount(300, true)).toEqual({ count: 300, atLeast: true });
  });
});
