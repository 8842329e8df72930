/**
 * `--compare FILE` (issue 15): the scale scenarios of this run next to those of an earlier, smaller
 * run (its bench-results.json), the ratio of their completion times, and the flatness verdicts:
 * billing and list-page times within 2× from the smaller size to the larger.
 */
import { readFile } from "node:fs/promises";
import type { LevelResult, TargetVerdict } from "./report.js";
import { type ScenarioName, scaleScenarioNames } from "./scenarios.js";

/** What a run was measured on. */
export interface RunSize {
  customers: number;
  entries: number;
}

export interface MeasuredRun {
  size: RunSize;
  results: LevelResult[];
}

/** Judged against the 2× target (search-prefix has none: it is shown for its curve). */
const flatScenarios: readonly ScenarioName[] = [
  "list-page-50",
  "billing-heavy",
  "billing-heavy-deep",
];
const flatLimit = 2;

export async function readMeasuredRun(file: string): Promise<MeasuredRun> {
  const json = JSON.parse(await readFile(file, "utf8")) as {
    options?: { customers?: number; entries?: number };
    results?: LevelResult[];
  };
  if (!json.options || !Array.isArray(json.results))
    throw new Error(`${file} is not a bench-results.json (no options or results)`);
  return {
    size: { customers: json.options.customers ?? 0, entries: json.options.entries ?? 0 },
    results: json.results,
  };
}

const describeSize = (size: RunSize) =>
  `${size.customers.toLocaleString("en-US")} customers / ${size.entries.toLocaleString("en-US")} entries`;
const ms = (value: number) => value.toFixed(1);
const ratio = (larger: number, smaller: number) => (smaller > 0 ? larger / smaller : Number.NaN);

interface Pair {
  scenario: ScenarioName;
  concurrency: number;
  before: LevelResult;
  after: LevelResult;
}

function pairs(earlier: MeasuredRun, current: MeasuredRun): Pair[] {
  const found: Pair[] = [];
  for (const after of current.results) {
    if (!scaleScenarioNames.includes(after.scenario)) continue;
    const before = earlier.results.find(
      (row) => row.scenario === after.scenario && row.concurrency === after.concurrency,
    );
    if (before)
      found.push({ scenario: after.scenario, concurrency: after.concurrency, before, after });
  }
  return found;
}

/** One line per scale scenario and concurrency: done p50/p99 at both sizes and their ratios. */
export function formatScaleComparison(earlier: MeasuredRun, current: MeasuredRun): string {
  const lines = [
    `Scale: ${describeSize(earlier.size)} (earlier run) → ${describeSize(current.size)} (this run); done ms`,
    `${"scenario".padEnd(19)} conc   p50 before → after (×)    p99 before → after (×)`,
  ];
  for (const { scenario, concurrency, before, after } of pairs(earlier, current)) {
    const p50 = ratio(after.completeMs.p50, before.completeMs.p50);
    const p99 = ratio(after.completeMs.p99, before.completeMs.p99);
    lines.push(
      `${scenario.padEnd(19)} ${String(concurrency).padStart(4)}   ${ms(before.completeMs.p50)} → ${ms(after.completeMs.p50)} (${p50.toFixed(2)}×)    ${ms(before.completeMs.p99)} → ${ms(after.completeMs.p99)} (${p99.toFixed(2)}×)`,
    );
  }
  return lines.join("\n");
}

/** Flat = the larger size's done p50 at most 2× the smaller's, per scenario and concurrency. */
export function judgeFlatness(earlier: MeasuredRun, current: MeasuredRun): TargetVerdict[] {
  return pairs(earlier, current)
    .filter((pair) => flatScenarios.includes(pair.scenario))
    .map(({ scenario, concurrency, before, after }) => {
      const p50 = ratio(after.completeMs.p50, before.completeMs.p50);
      return {
        target: `${scenario} c=${concurrency} flat within ${flatLimit}× from ${describeSize(earlier.size)} to ${describeSize(current.size)} (done p50)`,
        pass: p50 <= flatLimit,
        detail: `${ms(before.completeMs.p50)} → ${ms(after.completeMs.p50)} ms (${p50.toFixed(2)}×); p99 ${ms(before.completeMs.p99)} → ${ms(after.completeMs.p99)} ms`,
      };
    });
}
