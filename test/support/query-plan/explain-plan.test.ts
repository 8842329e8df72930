import { describe, expect, it } from "vitest";
import { planVerdict, readExplain } from "./explain-plan.js";

// Answers shaped as MongoDB 7/8 gives them (trimmed to what the reader uses and a little more).
const indexedFind = {
  explainVersion: "1",
  queryPlanner: {
    namespace: "test.customers",
    winningPlan: {
      stage: "LIMIT",
      limitAmount: 10,
      inputStage: {
        stage: "FETCH",
        inputStage: {
          stage: "IXSCAN",
          keyPattern: { status: 1, createdAt: -1, _id: -1 },
          indexName: "by_status",
          direction: "forward",
        },
      },
    },
    rejectedPlans: [],
  },
  executionStats: { nReturned: 10, totalKeysExamined: 10, totalDocsExamined: 10 },
  ok: 1,
};

const collectionScanWithSort = {
  explainVersion: "2",
  queryPlanner: {
    winningPlan: {
      queryPlan: {
        stage: "SORT",
        sortPattern: { name: 1 },
        inputStage: {
          stage: "COLLSCAN",
          filter: { name: { $regex: "ana" } },
          direction: "forward",
        },
      },
      slotBasedPlan: { slots: "…" },
    },
  },
  executionStats: { nReturned: 3, totalDocsExamined: 1000000 },
  ok: 1,
};

const skippedIndexScan = {
  queryPlanner: {
    winningPlan: {
      stage: "FETCH",
      inputStage: {
        stage: "SKIP",
        skipAmount: 490,
        inputStage: { stage: "IXSCAN", indexName: "newest_first" },
      },
    },
  },
  executionStats: { nReturned: 10, totalDocsExamined: 500 },
};

const orOfIndexes = {
  queryPlanner: {
    winningPlan: {
      stage: "SUBPLAN",
      inputStage: {
        stage: "FETCH",
        inputStage: {
          stage: "OR",
          inputStages: [
            { stage: "IXSCAN", indexName: "account_unique" },
            { stage: "IXSCAN", indexName: "customerId_unique" },
          ],
        },
      },
    },
  },
};

const aggregateWithCursorAndSort = {
  stages: [
    {
      $cursor: {
        queryPlanner: { winningPlan: { stage: "IXSCAN", indexName: "by_customer_newest_first" } },
        executionStats: { nReturned: 50000, totalDocsExamined: 50000 },
      },
    },
    { $sort: { sortKey: { amount: -1 } } },
    { $group: { _id: "$kind" } },
  ],
};

describe('reading explain("executionStats")', () => {
  it("an index scan in order is fine, with the index and the documents examined", () => {
    expect(readExplain(indexedFind)).toEqual({
      stages: ["LIMIT", "FETCH", "IXSCAN"],
      indexes: ["by_status"],
      problems: [],
      docsExamined: 10,
      returned: 10,
    });
  });

  it("a collection scan and a blocking sort are both reported (slot-based engine's queryPlan)", () => {
    const reading = readExplain(collectionScanWithSort);
    expect(reading.problems).toEqual([
      "COLLSCAN: reads every document",
      "SORT: sorts in memory (no index gives the order)",
    ]);
    expect(reading.docsExamined).toBe(1000000);
  });

  it("a SKIP stage is reported", () => {
    expect(readExplain(skippedIndexScan).problems).toEqual([expect.stringMatching(/^SKIP/)]);
  });

  it("an $or whose branches each use an index is fine", () => {
    const reading = readExplain(orOfIndexes);
    expect(reading.problems).toEqual([]);
    expect(reading.indexes).toEqual(["account_unique", "customerId_unique"]);
  });

  it("an aggregate reads its $cursor plan, and a $sort after it is a blocking sort", () => {
    const reading = readExplain(aggregateWithCursorAndSort);
    expect(reading.indexes).toEqual(["by_customer_newest_first"]);
    expect(reading.problems).toEqual(["$sort stage after the query: sorts in memory"]);
    expect(reading.docsExamined).toBe(50000);
  });

  it("a $sort or $skip after a limit (the $cursor's LIMIT or a $limit stage) is bounded by it", () => {
    const cursor = (winningPlan: unknown) => ({ $cursor: { queryPlanner: { winningPlan } } });
    const scan = { stage: "FETCH", inputStage: { stage: "IXSCAN", indexName: "search_keys" } };
    const candidatesThenSort = {
      stages: [cursor({ stage: "LIMIT", limitAmount: 2000, inputStage: scan }), { $sort: {} }],
    };
    expect(readExplain(candidatesThenSort).problems).toEqual([]);
    const limitStageThenSkip = { stages: [cursor(scan), { $limit: 50 }, { $skip: 10 }] };
    expect(readExplain(limitStageThenSkip).problems).toEqual([]);
    const sortThenLimit = { stages: [cursor(scan), { $sort: {} }, { $limit: 20 }] };
    expect(readExplain(sortThenLimit).problems).toEqual([
      "$sort stage after the query: sorts in memory",
    ]);
  });

  it("an answer without a plan is refused", () => {
    expect(() => readExplain({ ok: 1 })).toThrow(/no queryPlanner/);
    expect(() => readExplain({ queryPlanner: { winningPlan: "nope" } })).toThrow();
  });

  it("the plan decides over the rules, except for a limited filterless read and a count of every match", () => {
    const scan = readExplain(collectionScanWithSort);
    const indexed = readExplain(indexedFind);
    expect(planVerdict({ ok: true, index: "by_status" }, false, scan)).toEqual({
      ok: false,
      problem: expect.stringMatching(/^explain: COLLSCAN.*SORT.*\(stages SORT > COLLSCAN\)$/),
    });
    expect(planVerdict({ ok: false, problem: "sorted in memory" }, false, indexed)).toEqual({
      ok: true,
      index: "by_status",
    });
    const limitedScan = readExplain({
      queryPlanner: { winningPlan: { stage: "LIMIT", inputStage: { stage: "COLLSCAN" } } },
    });
    expect(
      planVerdict({ ok: true, index: "none: reads at most `limit` documents" }, false, limitedScan)
        .ok,
    ).toBe(true);
    expect(planVerdict({ ok: false, problem: "counts every match" }, true, indexed)).toEqual({
      ok: false,
      problem: "counts every match",
    });
  });
});
