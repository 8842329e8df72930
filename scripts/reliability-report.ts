import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { ScenarioResult } from "../test/reliability/support/scenario-report.js";

/**
 * `npm run reliability-report [-- --out FILE]`: runs the test/reliability scenarios and the request
 * limits' (the same ones `npm test` runs), prints one table (scenario, attempts, expected, observed, pass) and writes it as JSON.
 */
const { values } = parseArgs({
  options: { out: { type: "string", default: "reliability-report.json" } },
});
const rows = join(tmpdir(), `reliability-${process.pid}.jsonl`);
rmSync(rows, { force: true });
const run = spawnSync(
  "npx",
  ["vitest", "run", "test/reliability", "test/app/request-limits.test.ts"],
  {
    stdio: "inherit",
    env: { ...process.env, RELIABILITY_REPORT: rows },
  },
);

let results: ScenarioResult[] = [];
try {
  results = readFileSync(rows, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ScenarioResult);
} catch {
  results = [];
}
rmSync(rows, { force: true });

const headers = ["scenario", "attempts", "expected", "observed", "pass"] as const;
const cells = results.map((row) => [
  row.scenario,
  String(row.attempts),
  row.expected,
  row.observed,
  row.pass ? "PASS" : "FAIL",
]);
const widths = headers.map((header, i) =>
  Math.min(60, Math.max(header.length, ...cells.map((row) => (row[i] ?? "").length))),
);
const line = (row: string[]) =>
  `| ${row.map((cell, i) => (cell.length > (widths[i] ?? 0) ? `${cell.slice(0, (widths[i] ?? 1) - 1)}…` : cell.padEnd(widths[i] ?? 0))).join(" | ")} |`;
console.log(`\n${line([...headers])}\n|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const row of cells) console.log(line(row));
const passed = results.filter((row) => row.pass).length;
const attempts = results.reduce((sum, row) => sum + row.attempts, 0);
console.log(
  `\n${results.length} scenarios, ${attempts} attempts: ${passed} passed, ${results.length - passed} failed`,
);
writeFileSync(
  values.out ?? "reliability-report.json",
  JSON.stringify(
    { generatedAt: new Date().toISOString(), vitestExitCode: run.status, results },
    null,
    2,
  ),
);
console.log(`Written to ${values.out}`);
process.exit(run.status === 0 && passed === results.length ? 0 : 1);
