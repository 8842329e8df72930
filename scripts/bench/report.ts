/** Turns measured runs into result rows, the printed table, the target verdicts and the JSON file. */
import { availableParallelism } from "node:os";
import { type FileToolResult, fileToolTargets, toolHeapArgs } from "./file-tools.js";
import { backgroundMark, type ProcessStats, startTransactionMark } from "./ipc.js";
import { type BackgroundTally, type LevelRun, percentile } from "./load.js";
import { type ProcessName, type ScenarioName, storm } from "./scenarios.js";

const MB = 1024 * 1024;

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LevelResult {
  scenario: ScenarioName;
  /** Which pass over the scenarios (`--rounds`), from 1. */
  round: number;
  concurrency: number;
  count: number;
  ok: number;
  errors: number;
  notRun: number;
  problems: Record<string, number>;
  elapsedMs: number;
  ackMs: LatencySummary;
  /** From sending the request until the flow's completion was observed by the fake Slack. */
  completeMs: LatencySummary;
  /**
   * Documents the database examined per operation in the row (serverStatus
   * `metrics.queryExecutor.scannedObjects`, before → after); null when the server does not say.
   */
  documentsExaminedPerOp?: number | null;
  /** Completed operations per second. */
  opsPerSec: number;
  /** opsPerSec / the baseline's at the same concurrency. */
  vsBaseline: number | null;
  mongo: {
    /** Commands sent because of requests (the background sweeper is left out), per operation. */
    commandsPerOp: number;
    transactionsPerOp: number;
    commitsPerOp: number;
    byCommand: Record<string, number>;
    /** Raw counts of commands the app sent by itself during the run (not per operation). */
    background: Record<string, number>;
  };
  /** Web API calls the app made per operation, as the fake Slack recorded them. */
  slackCallsPerOp: Record<string, number>;
  /** Web API calls the fake Slack answered 429 during the row, by method (raw counts). */
  slackRateLimited: Record<string, number>;
  /**
   * The same from the scenario's start (warm-up included) to the row's end: a client that honours
   * Retry-After sends nothing for seconds after a 429, so a short row may see none of its own.
   */
  slackRateLimitedInScenario: Record<string, number>;
  /** The untimed requests sent alongside the measured ones during the row (null: none were). */
  background: BackgroundTally | null;
  process: {
    /** The measured process: the real app, the baseline app, or the app under the 429 storm. */
    name: ProcessName;
    peakRssMB: number;
    maxRssMB: number;
    /** At the end of the row, before any forced GC. */
    heapUsedMB: number;
    heapTotalMB: number;
    externalMB: number;
  };
  /** CPU time per operation (ms) of the measured process, the database server (null if unknown) and the load generator with the fake Slack. */
  cpuMsPerOp: {
    process: number;
    /** The kernel's part of `process` (socket I/O). */
    processSystem: number;
    database: number | null;
    generator: number;
  };
  generatorLagP99Ms: number;
}

function summarize(samples: number[]): LatencySummary {
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    p50: round(percentile(samples, 50)),
    p95: round(percentile(samples, 95)),
    p99: round(percentile(samples, 99)),
    max: round(samples.length ? Math.max(...samples) : Number.NaN),
  };
}

const per = (value: number, operations: number) =>
  operations > 0 ? Math.round((value / operations) * 1000) / 1000 : 0;

function commandDelta(before: ProcessStats, after: ProcessStats): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [key, count] of Object.entries(after.commands)) {
    const difference = count - (before.commands[key] ?? 0);
    if (difference > 0) delta[key] = difference;
  }
  return delta;
}

/** CPU time (ms) of the database and of the generator at one moment. */
export interface OtherCpu {
  database: number | null;
  generator: number;
}

export function levelResult(options: {
  round: number;
  scenario: ScenarioName;
  processName: ProcessName;
  concurrency: number;
  run: LevelRun;
  before: ProcessStats;
  after: ProcessStats;
  cpuBefore: OtherCpu;
  cpuAfter: OtherCpu;
  slackCalls: Record<string, number>;
  slackRateLimited?: Record<string, number>;
  slackRateLimitedInScenario?: Record<string, number>;
  background?: BackgroundTally | null;
}): LevelResult {
  const { cpuBefore, cpuAfter } = options;
  const { run, before, after } = options;
  const operations = run.count - run.notRun;
  const delta = commandDelta(before, after);
  const byCommand: Record<string, number> = {};
  const background: Record<string, number> = {};
  let commands = 0;
  let transactions = 0;
  for (const [key, count] of Object.entries(delta)) {
    if (key.includes(backgroundMark)) {
      background[key] = count;
      continue;
    }
    commands += count;
    if (key.includes(startTransactionMark)) transactions += count;
    byCommand[key] = per(count, operations);
  }
  return {
    scenario: options.scenario,
    round: options.round,
    concurrency: options.concurrency,
    count: run.count,
    ok: run.ok,
    errors: run.errors,
    notRun: run.notRun,
    problems: run.problems,
    elapsedMs: Math.round(run.elapsedMs),
    ackMs: summarize(run.ackMs),
    completeMs: summarize(run.doneMs),
    opsPerSec: Math.round((run.ok / (run.elapsedMs / 1000)) * 10) / 10,
    vsBaseline: null,
    mongo: {
      commandsPerOp: per(commands, operations),
      transactionsPerOp: per(transactions, operations),
      commitsPerOp: per(delta.commitTransaction ?? 0, operations),
      byCommand,
      background,
    },
    slackCallsPerOp: Object.fromEntries(
      Object.entries(options.slackCalls).map(([method, count]) => [method, per(count, operations)]),
    ),
    slackRateLimited: options.slackRateLimited ?? {},
    slackRateLimitedInScenario: options.slackRateLimitedInScenario ?? {},
    background: options.background ?? null,
    process: {
      name: options.processName,
      peakRssMB: Math.round((after.peakRss / MB) * 10) / 10,
      maxRssMB: Math.round((after.maxRss / MB) * 10) / 10,
      heapUsedMB: Math.round((after.heapUsed / MB) * 10) / 10,
      heapTotalMB: Math.round((after.heapTotal / MB) * 10) / 10,
      externalMB: Math.round((after.external / MB) * 10) / 10,
    },
    cpuMsPerOp: {
      process: per(after.cpuMs - before.cpuMs, operations),
      processSystem: per(after.systemCpuMs - before.systemCpuMs, operations),
      database:
        cpuBefore.database === null || cpuAfter.database === null
          ? null
          : per(cpuAfter.database - cpuBefore.database, operations),
      generator: per(cpuAfter.generator - cpuBefore.generator, operations),
    },
    generatorLagP99Ms: Math.round(run.generatorLagP99Ms * 10) / 10,
  };
}

/** Fills in each row's ratio to the baseline at the same concurrency. */
export function compareToBaseline(results: LevelResult[]): void {
  for (const row of results) {
    const baseline = results.find(
      (other) => other.scenario === "baseline" && other.concurrency === row.concurrency,
    );
    row.vsBaseline =
      baseline && baseline.opsPerSec > 0
        ? Math.round((row.opsPerSec / baseline.opsPerSec) * 1000) / 1000
        : null;
  }
}

export interface TargetVerdict {
  target: string;
  pass: boolean;
  detail: string;
}

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "–");
const percent = (value: number | null) => (value === null ? "–" : `${Math.round(value * 100)}%`);

function rowsOf(results: LevelResult[], scenario: ScenarioName): LevelResult[] {
  return results.filter((row) => row.scenario === scenario);
}

function describeCommands(byCommand: Record<string, number>): string {
  return Object.entries(byCommand)
    .map(([key, count]) => `${key} ×${fixed(count, 2)}`)
    .join(", ");
}

/** Commands per operation over every level of a scenario (each level weighted by its operations). */
export function commandsOverLevels(rows: LevelResult[]): Record<string, number> {
  const totals: Record<string, number> = {};
  let operations = 0;
  for (const row of rows) {
    const ops = row.count - row.notRun;
    operations += ops;
    for (const [key, perOp] of Object.entries(row.mongo.byCommand))
      totals[key] = (totals[key] ?? 0) + perOp * ops;
  }
  return Object.fromEntries(
    Object.entries(totals)
      .sort(([, a], [, b]) => b - a)
      .map(([key, total]) => [key, per(total, operations)]),
  );
}

/** Total CPU per operation over every process of the run (app or baseline, database, generator). */
function totalCpuMs(row: LevelResult): number {
  return row.cpuMsPerOp.process + (row.cpuMsPerOp.database ?? 0) + row.cpuMsPerOp.generator;
}

/**
 * Why show's ratio is what it is: the CPU every show costs across the processes sharing this
 * machine's cores, the most that allows, and the bare-Bolt floor (show-floor) when it was run.
 */
function showCeiling(results: LevelResult[], showTop: LevelResult): string[] {
  const at = (scenario: ScenarioName) =>
    rowsOf(results, scenario).find((row) => row.concurrency === showTop.concurrency);
  const baseline = at("baseline");
  const floor = at("show-floor");
  const cores = availableParallelism();
  const lines: string[] = [];
  const cpu = (row: LevelResult) =>
    `${fixed(totalCpuMs(row), 2)} ms (${row.process.name} ${fixed(row.cpuMsPerOp.process, 2)} + db ${fixed(row.cpuMsPerOp.database ?? Number.NaN, 2)} + generator ${fixed(row.cpuMsPerOp.generator, 2)})`;
  if (baseline) {
    const ceiling = (cores * 1000) / totalCpuMs(showTop);
    lines.push(
      `CPU per operation, all processes: show ${cpu(showTop)}, baseline ${cpu(baseline)}; ${cores} cores allow show at most ${fixed(ceiling, 0)}/s = ${percent(ceiling / baseline.opsPerSec)} of the baseline's rate`,
    );
  }
  if (floor)
    lines.push(
      `floor (bare Bolt, show's one query and post, no app code): ${fixed(floor.opsPerSec)}/s = ${percent(floor.vsBaseline)} of baseline, CPU ${cpu(floor)}; show reaches ${percent(showTop.opsPerSec / floor.opsPerSec)} of the floor`,
    );
  return lines;
}

export function judgeTargets(results: LevelResult[], levels: number[]): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const top = Math.max(...levels);
  // show-floor is a measuring aid (a bare Bolt handler), not one of the app's flows.
  const atTop = results.filter((row) => row.concurrency === top && row.scenario !== "show-floor");
  const topNote = top === 32 ? "" : ` (32 was not run; judged at ${top})`;
  const clean = (rows: LevelResult[]) => rows.every((row) => row.errors === 0 && row.notRun === 0);

  // The storm has a target of its own (below); this one is issue #7's, with Slack answering.
  // The picker's ack is its answer (the options), with a target of its own (below).
  const calm = atTop.filter(
    (row) => row.scenario !== "show-429-storm" && row.scenario !== "typeahead",
  );
  if (calm.length > 0) {
    const worst = calm.map((row) => `${row.scenario} ${fixed(row.ackMs.p99)} ms`).join(", ");
    verdicts.push({
      target: `ack p99 < 50 ms at concurrency ${top}, every scenario${topNote}`,
      pass: calm.every((row) => row.ackMs.p99 < 50) && clean(calm),
      detail: worst,
    });
  }

  const stormRows = rowsOf(results, "show-429-storm");
  const stormTop = stormRows.find((row) => row.concurrency === top);
  if (stormTop) {
    const rateLimited = (counts: Record<string, number>) =>
      Object.entries(counts)
        .map(([method, count]) => `${method} ×${count}`)
        .join(", ") || "none";
    verdicts.push({
      target: `show under a 429 storm (Retry-After ${storm.retryAfterSeconds} s on ${storm.methods.join(", ")}): ack p99 < 50 ms at concurrency ${top}${topNote}`,
      pass: stormTop.ackMs.p99 < 50 && clean([stormTop]),
      detail: stormRows
        .map(
          (row) =>
            `c=${row.concurrency}: ack p50 ${fixed(row.ackMs.p50)} / p95 ${fixed(row.ackMs.p95)} / p99 ${fixed(row.ackMs.p99)} ms, ${row.ok}/${row.count} ok; answered 429 in the row: ${rateLimited(row.slackRateLimited)}`,
        )
        .concat(
          `answered 429 since the storm began: ${rateLimited(stormTop.slackRateLimitedInScenario)}`,
        )
        .join("\n      "),
    });
  }

  const show = rowsOf(results, "show");
  const showTop = show.find((row) => row.concurrency === top);
  if (showTop && showTop.vsBaseline !== null) {
    verdicts.push({
      target: `show completed throughput ≥ 50% of the baseline's ack-only throughput (at concurrency ${top})`,
      pass: showTop.vsBaseline >= 0.5 && clean([showTop]),
      detail: [
        show
          .map(
            (row) =>
              `c=${row.concurrency}: ${fixed(row.opsPerSec)}/s = ${percent(row.vsBaseline)} of baseline`,
          )
          .join("; "),
        ...showCeiling(results, showTop),
      ].join("\n      "),
    });
  }

  const floorTop = rowsOf(results, "show-floor").filter((row) => row.concurrency === top);
  const pairs = show
    .filter((row) => row.concurrency === top)
    .flatMap((row) => {
      const floor = floorTop.find((other) => other.round === row.round);
      return floor && floor.opsPerSec > 0 ? [{ show: row, floor }] : [];
    });
  if (pairs.length > 0) {
    const ratios = pairs.map((pair) => pair.show.opsPerSec / pair.floor.opsPerSec);
    const sorted = [...ratios].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    const median =
      sorted.length % 2 === 1
        ? (sorted[middle] ?? 0)
        : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
    verdicts.push({
      target: `show completed throughput ≥ 80% of show-floor's at concurrency ${top} (issue 15; median of ${pairs.length} round${pairs.length === 1 ? "" : "s"})${topNote}`,
      pass: median >= 0.8 && clean(pairs.flatMap((pair) => [pair.show, pair.floor])),
      detail: pairs
        .map(
          (pair, index) =>
            `round ${pair.show.round}: ${fixed(pair.show.opsPerSec)}/s vs ${fixed(pair.floor.opsPerSec)}/s = ${percent(ratios[index] ?? 0)}; app CPU ${fixed(pair.show.cpuMsPerOp.process, 2)} vs ${fixed(pair.floor.cpuMsPerOp.process, 2)} ms/op`,
        )
        .concat(`median ${percent(median)}`)
        .join("\n      "),
    });
  }

  const typeaheadRows = rowsOf(results, "typeahead");
  const typeaheadTop = typeaheadRows.find((row) => row.concurrency === top);
  if (typeaheadTop)
    verdicts.push({
      target: `typeahead: the picker's options p99 < 100 ms at concurrency ${top}${topNote}`,
      pass: typeaheadTop.ackMs.p99 < 100 && clean([typeaheadTop]),
      detail: typeaheadRows
        .map(
          (row) =>
            `c=${row.concurrency}: p50 ${fixed(row.ackMs.p50)} / p95 ${fixed(row.ackMs.p95)} / p99 ${fixed(row.ackMs.p99)} ms, ${row.ok}/${row.count} ok, ${fixed(row.mongo.commandsPerOp, 2)} MongoDB commands per operation`,
        )
        .join("\n      "),
    });

  const roundTrips = (scenario: ScenarioName, most: number, label: string) => {
    const rows = rowsOf(results, scenario);
    if (rows.length === 0) return;
    const highest = Math.max(...rows.map((row) => row.mongo.commandsPerOp));
    verdicts.push({
      target: `${label}: at most ${most} MongoDB round trip${most === 1 ? "" : "s"}`,
      pass: highest <= most + 0.005 && clean(rows),
      detail: `${fixed(highest, 2)} per operation: ${describeCommands(commandsOverLevels(rows))}`,
    });
  };
  roundTrips("show", 1, "show");
  roundTrips("list", 2, "list page (/customer list)");
  roundTrips("list-text", 2, "list page (/customer list TEXT)");

  const oneTransaction = (
    scenario: ScenarioName,
    label: string,
    extra?: (rows: LevelResult[]) => { pass: boolean; detail: string },
  ) => {
    const rows = rowsOf(results, scenario);
    if (rows.length === 0) return;
    const transactions = rows.map((row) => row.mongo.transactionsPerOp);
    const commits = rows.map((row) => row.mongo.commitsPerOp);
    const one = (values: number[]) => values.every((value) => Math.abs(value - 1) < 0.005);
    const more = extra?.(rows);
    const commands = commandsOverLevels(rows);
    const total = Object.values(commands).reduce((sum, value) => sum + value, 0);
    verdicts.push({
      target: label,
      pass: one(transactions) && one(commits) && (more?.pass ?? true) && clean(rows),
      detail: `${fixed(Math.max(...transactions), 2)} transactions and ${fixed(Math.max(...commits), 2)} commits per operation; ${fixed(total, 2)} commands: ${describeCommands(commands)}${more ? `; ${more.detail}` : ""}`,
    });
  };
  oneTransaction("balance-refill", "a balance change is one transaction");
  oneTransaction(
    "approval-click",
    "an approval is one transaction (plus the message update)",
    (rows) => {
      const updates = rows.map((row) => row.slackCallsPerOp["chat.update"] ?? 0);
      return {
        pass: updates.every((value) => Math.abs(value - 1) < 0.005),
        detail: `chat.update ×${fixed(Math.max(...updates), 2)} per approval`,
      };
    },
  );

  const appTop = atTop.filter((row) => row.process.name !== "baseline");
  if (appTop.length > 0) {
    const peak = Math.max(...appTop.map((row) => row.process.peakRssMB));
    const lifetime = Math.max(...appTop.map((row) => row.process.maxRssMB));
    verdicts.push({
      target: `app peak RSS < 200 MB at concurrency ${top}${topNote}`,
      pass: peak < 200,
      detail: `peak ${fixed(peak)} MB sampled during the c=${top} runs (kernel maxRSS over the process's life: ${fixed(lifetime)} MB)`,
    });
  }
  return verdicts;
}

function pad(text: string, width: number, right = true): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

export function formatTable(results: LevelResult[]): string {
  const header = [
    pad("scenario", 18, false),
    pad("conc", 4),
    pad("ok", 5),
    pad("err", 4),
    pad("ack p50", 8),
    pad("p95", 7),
    pad("p99", 7),
    pad("done p50", 9),
    pad("p99", 7),
    pad("done/s", 8),
    pad("vs base", 8),
    pad("mongo/op", 9),
    pad("txn/op", 7),
    pad("CPU ms/op: app", 14),
    pad("db", 5),
    pad("gen", 5),
    pad("RSS MB", 7),
    pad("gen lag", 8),
  ].join(" ");
  const lines = [header, "-".repeat(header.length)];
  for (const row of results) {
    // The baseline process does not monitor MongoDB commands.
    const isBaseline = row.process.name === "baseline";
    lines.push(
      [
        pad(row.scenario, 18, false),
        pad(String(row.concurrency), 4),
        pad(String(row.ok), 5),
        pad(String(row.errors + row.notRun), 4),
        pad(fixed(row.ackMs.p50, 2), 8),
        pad(fixed(row.ackMs.p95, 2), 7),
        pad(fixed(row.ackMs.p99, 2), 7),
        pad(fixed(row.completeMs.p50, 2), 9),
        pad(fixed(row.completeMs.p99, 2), 7),
        pad(fixed(row.opsPerSec), 8),
        pad(percent(row.vsBaseline), 8),
        pad(isBaseline ? "–" : fixed(row.mongo.commandsPerOp, 2), 9),
        pad(isBaseline ? "–" : fixed(row.mongo.transactionsPerOp, 2), 7),
        pad(fixed(row.cpuMsPerOp.process, 2), 14),
        pad(row.cpuMsPerOp.database === null ? "–" : fixed(row.cpuMsPerOp.database, 1), 5),
        pad(fixed(row.cpuMsPerOp.generator, 1), 5),
        pad(fixed(row.process.peakRssMB), 7),
        pad(fixed(row.generatorLagP99Ms), 8),
      ].join(" "),
    );
  }
  return lines.join("\n");
}

export function formatDetails(results: LevelResult[], scenarios: ScenarioName[]): string {
  const lines: string[] = ["MongoDB commands per operation (all levels):"];
  for (const scenario of scenarios) {
    if (scenario === "baseline") continue;
    const rows = rowsOf(results, scenario);
    if (rows.length === 0) continue;
    lines.push(
      `  ${pad(scenario, 18, false)} ${describeCommands(commandsOverLevels(rows)) || "none"}`,
    );
  }
  lines.push("Slack Web API calls per operation:");
  for (const scenario of scenarios) {
    const rows = rowsOf(results, scenario);
    const last = rows[rows.length - 1];
    if (!last) continue;
    const calls = Object.entries(last.slackCallsPerOp)
      .map(([method, count]) => `${method} ×${fixed(count, 2)}`)
      .join(", ");
    lines.push(`  ${pad(scenario, 18, false)} ${calls || "none"}`);
  }
  for (const row of results) {
    const limited = Object.entries(row.slackRateLimited);
    if (limited.length === 0 && !row.background) continue;
    const bg = row.background;
    lines.push(
      `  ${pad(`${row.scenario} c=${row.concurrency}`, 19, false)} answered 429: ${limited.map(([method, count]) => `${method} ×${count}`).join(", ") || "none"}${bg ? `; background requests ${bg.sent} sent, ${bg.failed} failed${Object.keys(bg.problems).length ? ` (${Object.keys(bg.problems).join(" | ")})` : ""}` : ""}`,
    );
  }
  const background = results.flatMap((row) =>
    Object.entries(row.mongo.background).map(
      ([key, count]) => `${key} ×${count} (during ${row.scenario} c=${row.concurrency})`,
    ),
  );
  if (background.length > 0)
    lines.push(`Background commands, not counted per operation: ${background.join(", ")}`);
  const problems = results.filter((row) => row.errors + row.notRun > 0);
  for (const row of problems) {
    lines.push(
      `Problems in ${row.scenario} c=${row.concurrency}: ${row.errors} failed, ${row.notRun} not run (time limit)`,
    );
    for (const [problem, count] of Object.entries(row.problems))
      lines.push(`    ${count}× ${problem}`);
  }
  return lines.join("\n");
}

export function formatVerdicts(verdicts: TargetVerdict[]): string {
  return verdicts
    .map(
      (verdict) => `${verdict.pass ? "PASS" : "FAIL"}  ${verdict.target}\n      ${verdict.detail}`,
    )
    .join("\n");
}

/** The file-tool scenarios' table: one row per tool run. */
export function formatFileToolTable(results: FileToolResult[]): string {
  const header = [
    pad("scenario", 18, false),
    pad("rows", 10),
    pad("file MB", 8),
    pad("seconds", 8),
    pad("rows/s", 8),
    pad("peak RSS MB", 12),
    pad("CPU s: tool", 12),
    pad("db", 6),
    pad("exit", 5),
  ].join(" ");
  const lines = [header, "-".repeat(header.length)];
  for (const row of results) {
    lines.push(
      [
        pad(row.scenario, 18, false),
        pad(row.rows.toLocaleString("en-US"), 10),
        pad(fixed(row.fileMB), 8),
        pad(fixed(row.elapsedMs / 1000), 8),
        pad(row.rowsPerSec.toLocaleString("en-US"), 8),
        pad(row.peakRssMB === null ? "–" : fixed(row.peakRssMB), 12),
        pad(row.cpuSeconds.tool === null ? "–" : fixed(row.cpuSeconds.tool), 12),
        pad(row.cpuSeconds.database === null ? "–" : fixed(row.cpuSeconds.database), 6),
        pad(String(row.exitCode), 5),
      ].join(" "),
    );
  }
  for (const row of results) lines.push(`${row.scenario}: ${row.summary}`);
  return lines.join("\n");
}

/**
 * Each process's CPU per row and the rows/s that alone would allow it (a single-threaded process on
 * a core of its own): the tool and the database server share this machine's cores, and the lower of
 * the two bounds the run.
 */
function cpuPerRow(row: FileToolResult): string {
  const share = (name: string, seconds: number | null) => {
    if (seconds === null || row.rows === 0) return `${name} unknown`;
    const us = (seconds * 1e6) / row.rows;
    return `${name} ${fixed(us)} µs (alone ${Math.round(1e6 / us).toLocaleString("en-US")} rows/s)`;
  };
  return `CPU per row: ${share("tool", row.cpuSeconds.tool)}, ${share("database", row.cpuSeconds.database)}`;
}

/** Issue #15 point 6: each tool at ≥ 10,000 rows/s and RSS < 200 MB with npm start's 128 MB heap. */
export function judgeFileTools(results: FileToolResult[]): TargetVerdict[] {
  return results.map((row) => {
    const fast = row.rowsPerSec >= fileToolTargets.rowsPerSec;
    const small = row.peakRssMB !== null && row.peakRssMB < fileToolTargets.peakRssMB;
    return {
      target: `${row.scenario}: ≥ ${fileToolTargets.rowsPerSec.toLocaleString("en-US")} rows/s and peak RSS < ${fileToolTargets.peakRssMB} MB (heap ${toolHeapArgs.join(" ")})`,
      pass: row.exitCode === 0 && fast && small,
      detail: `${row.rows.toLocaleString("en-US")} rows in ${fixed(row.elapsedMs / 1000)} s (process start and connecting included): ${row.rowsPerSec.toLocaleString("en-US")} rows/s, peak RSS ${row.peakRssMB === null ? "unknown (no /proc)" : `${fixed(row.peakRssMB)} MB`}, exit ${row.exitCode}; ${cpuPerRow(row)}`,
    };
  });
}
