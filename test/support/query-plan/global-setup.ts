import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { staleAllowances } from "./allowed-queries.js";
import { dropScratchDatabases } from "./explain-check.js";
import { queryListSection, withQueryList } from "./query-list.js";
import { explainSummary, readQueryLogs } from "./query-log.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where each worker logs the queries its test files made the app send. */
    queryPlanLog: string;
    /**
     * Re-check every recorded find and aggregate with `explain("executionStats")`: always on a real
     * MongoDB, and on the wire test server with `QUERY_PLAN_EXPLAIN=1` (its planner explains too).
     */
    explainPlans: boolean;
  }
}

/**
 * Gives the workers a directory for their query logs; at the end prints what the check saw and
 * what recording cost, and with `QUERY_LIST=write` rewrites README.md's list of queries.
 */
export default async function setup(project: TestProject) {
  const directory = await mkdtemp(join(tmpdir(), "query-plans-"));
  project.provide("queryPlanLog", directory);
  const explainPlans =
    project.getProvidedContext().realMongo || process.env.QUERY_PLAN_EXPLAIN === "1";
  project.provide("explainPlans", explainPlans);
  return async () => {
    if (explainPlans) await dropScratchDatabases(project.getProvidedContext().mongoUri);
    const { queries, costs } = await readQueryLogs(directory);
    await rm(directory, { recursive: true, force: true });
    if (queries.length === 0) return;
    const shapes = new Set(queries.map((query) => `${query.collection} ${query.shape}`));
    const recordingMs = costs.reduce((sum, cost) => sum + cost.recordingMs, 0);
    const excluded = costs.reduce((sum, cost) => sum + cost.excludedTestCommands, 0);
    const commands = queries.reduce((sum, query) => sum + query.commands, 0);
    console.log(
      `\nQuery-plan check: ${commands} app queries of ${shapes.size} shapes in ${costs.length} files; ${excluded} test-side commands excluded; recording took ${Math.round(recordingMs)} ms of worker time in all.`,
    );
    if (explainPlans) console.log(explainSummary(queries));
    const stale = staleAllowances(queries);
    if (stale.length > 0)
      console.log(
        `Allow-list entries no query matched (remove them): ${stale.map((entry) => `${entry.collection}: ${entry.shape}`).join("; ")}`,
      );
    if (process.env.QUERY_LIST === "write") {
      const readme = join(process.cwd(), "README.md");
      await writeFile(
        readme,
        withQueryList(await readFile(readme, "utf8"), queryListSection(queries)),
      );
      console.log("README.md: the list of queries is rewritten from this run.");
    }
  };
}
