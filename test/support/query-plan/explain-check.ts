import { randomBytes } from "node:crypto";
import { connectDatabase } from "../../../src/db/mongo.js";
import { createLogger } from "../../../src/logging/logger.js";
import type { RecordedQuery } from "./command-recorder.js";
import { readExplain } from "./explain-plan.js";

const queryFields = {
  find: ["find", "filter", "sort", "projection", "skip", "limit", "hint", "collation"],
  aggregate: ["aggregate", "pipeline", "hint", "collation"],
} as const;

/** The recorded command without its session, transaction and routing fields. */
function explainable(query: RecordedQuery): Record<string, unknown> | undefined {
  const sample = query.sample;
  if (!sample || (query.kind !== "find" && query.kind !== "aggregate")) return undefined;
  const command: Record<string, unknown> = {};
  for (const field of queryFields[query.kind]) if (field in sample) command[field] = sample[field];
  if (query.kind === "aggregate") command.cursor = {};
  return command;
}

/**
 * On a real MongoDB: re-runs each recorded find and aggregate with `explain("executionStats")` in a
 * scratch database that has the declared indexes (and no documents, so the planner decides by the
 * indexes alone), and replaces the rules' verdict with the plan's: no COLLSCAN, no blocking SORT,
 * no SKIP. A filterless read bounded by its limit may scan; a count of every match still fails (a
 * plan cannot show that it walks them all).
 */
export async function withExplainVerdicts(
  uri: string,
  queries: RecordedQuery[],
): Promise<RecordedQuery[]> {
  const toExplain = queries.filter((query) => explainable(query));
  if (toExplain.length === 0) return queries;
  const scratch = await connectDatabase({
    uri,
    dbName: `query_plans_${randomBytes(5).toString("hex")}`,
    logger: createLogger({ level: "silent", pretty: false }),
    clientOptions: { monitorCommands: false },
  });
  try {
    const explained = new Map<RecordedQuery, RecordedQuery>();
    for (const query of toExplain) {
      const answer = await scratch.db.command({
        explain: explainable(query),
        verbosity: "executionStats",
      });
      const reading = readExplain(answer);
      const boundedByLimit =
        query.verdict.ok && query.verdict.index.startsWith("none: reads at most");
      const problems = reading.problems.filter(
        (problem) => !(boundedByLimit && problem.startsWith("COLLSCAN")),
      );
      const stillCounts = !query.verdict.ok && query.counts;
      explained.set(query, {
        ...query,
        verdict: stillCounts
          ? query.verdict
          : problems.length > 0
            ? {
                ok: false,
                problem: `explain: ${problems.join("; ")} (stages ${reading.stages.join(" > ")})`,
              }
            : {
                ok: true,
                index:
                  reading.indexes.join(" + ") || (query.verdict.ok ? query.verdict.index : "none"),
              },
      });
    }
    return queries.map((query) => explained.get(query) ?? query);
  } finally {
    await scratch.db.dropDatabase().catch(() => {});
    await scratch.close();
  }
}
