import { z } from "zod";
import type { Verdict } from "./index-rules.js";

/**
 * Reads MongoDB's `explain("executionStats")` answer for a find or an aggregate: the winning plan's
 * stages (classic `inputStage`/`inputStages` trees, and the slot-based engine's `queryPlan`
 * wrapper), and for an aggregate whose query part runs in a `$cursor` stage, the pipeline stages
 * after it. A plan is bad when it scans the collection or sorts in memory.
 */
interface PlanNode {
  stage?: string;
  indexName?: string;
  inputStage?: PlanNode;
  inputStages?: PlanNode[];
  queryPlan?: PlanNode;
}

const planNodeSchema: z.ZodType<PlanNode> = z.lazy(() =>
  z
    .object({
      stage: z.string().optional(),
      indexName: z.string().optional(),
      inputStage: planNodeSchema.optional(),
      inputStages: z.array(planNodeSchema).optional(),
      queryPlan: planNodeSchema.optional(),
    })
    .passthrough(),
);

const queryPlannerSchema = z.object({ winningPlan: planNodeSchema }).passthrough();

const executionStatsSchema = z
  .object({ nReturned: z.number().optional(), totalDocsExamined: z.number().optional() })
  .passthrough();

const explainSchema = z
  .object({
    queryPlanner: queryPlannerSchema.optional(),
    executionStats: executionStatsSchema.optional(),
    stages: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .passthrough();

const cursorStageSchema = z
  .object({ queryPlanner: queryPlannerSchema, executionStats: executionStatsSchema.optional() })
  .passthrough();

export interface PlanReading {
  /** Stage names of the winning plan, outermost first. */
  readonly stages: string[];
  /** Indexes the plan reads. */
  readonly indexes: string[];
  /** Why the plan would not hold at scale; empty when it is fine. */
  readonly problems: string[];
  readonly docsExamined?: number;
  readonly returned?: number;
}

function walk(node: PlanNode | undefined, stages: string[], indexes: string[]): void {
  if (!node) return;
  if (node.stage) stages.push(node.stage);
  if (node.indexName) indexes.push(node.indexName);
  walk(node.queryPlan, stages, indexes);
  walk(node.inputStage, stages, indexes);
  for (const input of node.inputStages ?? []) walk(input, stages, indexes);
}

/** What an explain answer says about the plan; throws when it has no plan to read. */
export function readExplain(explain: unknown): PlanReading {
  const parsed = explainSchema.parse(explain);
  const stages: string[] = [];
  const indexes: string[] = [];
  const problems: string[] = [];
  let planner = parsed.queryPlanner;
  let stats = parsed.executionStats;
  const pipeline = parsed.stages ?? [];
  if (!planner && pipeline[0] && "$cursor" in pipeline[0]) {
    const cursor = cursorStageSchema.parse(pipeline[0].$cursor);
    planner = cursor.queryPlanner;
    stats = cursor.executionStats;
  }
  if (!planner) throw new Error("the explain answer has no queryPlanner");
  walk(planner.winningPlan, stages, indexes);
  if (stages.includes("COLLSCAN")) problems.push("COLLSCAN: reads every document");
  if (stages.includes("SORT")) problems.push("SORT: sorts in memory (no index gives the order)");
  if (stages.includes("SKIP")) problems.push("SKIP: reads and throws away the skipped documents");
  // After a limit (the query's LIMIT, or a `$limit` stage) a sort or skip handles at most that many
  // documents: bounded, as the rules count a pipeline's first `$limit`.
  let limited = stages.includes("LIMIT");
  for (const stage of pipeline.slice(1)) {
    const name = Object.keys(stage)[0];
    if (name === "$limit") limited = true;
    if (limited) continue;
    if (name === "$sort") problems.push("$sort stage after the query: sorts in memory");
    if (name === "$skip") problems.push("$skip stage: reads and throws away the skipped documents");
  }
  return {
    stages,
    indexes,
    problems,
    ...(stats?.totalDocsExamined === undefined ? {} : { docsExamined: stats.totalDocsExamined }),
    ...(stats?.nReturned === undefined ? {} : { returned: stats.nReturned }),
  };
}

/**
 * The verdict on a real MongoDB: the plan's, except that a filterless read bounded by its limit may
 * scan, and a count of every match still fails by the rules (a plan cannot show it walks them all).
 */
export function planVerdict(rules: Verdict, countsAll: boolean, reading: PlanReading): Verdict {
  if (!rules.ok && countsAll) return rules;
  const boundedByLimit = rules.ok && rules.index.startsWith("none: reads at most");
  const problems = reading.problems.filter(
    (problem) => !(boundedByLimit && problem.startsWith("COLLSCAN")),
  );
  if (problems.length > 0)
    return {
      ok: false,
      problem: `explain: ${problems.join("; ")} (stages ${reading.stages.join(" > ")})`,
    };
  return { ok: true, index: reading.indexes.join(" + ") || (rules.ok ? rules.index : "none") };
}
