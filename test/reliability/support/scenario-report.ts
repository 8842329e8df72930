import { appendFileSync } from "node:fs";
import { expect } from "vitest";

/** One row of the reliability report: what was tried, how often, what should and did happen. */
export interface ScenarioResult {
  /** e.g. "signatures / stale timestamp". */
  scenario: string;
  attempts: number;
  expected: string;
  observed: string;
  pass: boolean;
}

/**
 * Records a scenario's outcome for `npm run reliability-report` (when RELIABILITY_REPORT names a
 * file) and asserts it passed, so `npm test` fails on the same condition the report marks FAIL.
 */
export function recordScenario(result: ScenarioResult): void {
  const file = process.env.RELIABILITY_REPORT;
  if (file) appendFileSync(file, `${JSON.stringify(result)}\n`);
  expect(
    result.pass,
    `${result.scenario}: expected ${result.expected}, observed ${result.observed}`,
  ).toBe(true);
}
