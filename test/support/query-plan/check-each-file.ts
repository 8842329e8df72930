/**
 * Vitest setup file: records the app's commands in every test file and, after the file, fails it
 * with each query that no declared index serves (README “Queries and their indexes”).
 */
import { relative } from "node:path";
import { afterAll, expect, inject } from "vitest";
import { allowanceFor } from "./allowed-queries.js";
import {
  type RecordedQuery,
  recordEveryMonitoringClient,
  takeRecorded,
} from "./command-recorder.js";
import { withExplainVerdicts } from "./explain-check.js";
import { offenderReport } from "./offender-report.js";
import { logQueries } from "./query-log.js";

recordEveryMonitoringClient();

const allowed = (query: RecordedQuery) => {
  if (query.verdict.ok) return null;
  const allowance = allowanceFor(query);
  if (!allowance) return null;
  return "fixedBy" in allowance
    ? `awaiting ${allowance.fixedBy}`
    : `bounded by design: ${allowance.why}`;
};

afterAll(async () => {
  const file = relative(process.cwd(), expect.getState().testPath ?? "a test file");
  const { queries: recorded, excludedTestCommands, recordingMs } = takeRecorded();
  const queries = inject("explainPlans")
    ? await withExplainVerdicts(inject("mongoUri"), recorded)
    : recorded;
  await logQueries(inject("queryPlanLog"), file, queries, allowed, {
    recordingMs,
    excludedTestCommands,
  });
  const offenders = queries.filter((query) => !query.verdict.ok && !allowanceFor(query));
  if (offenders.length > 0) throw new Error(offenderReport(file, offenders));
});
