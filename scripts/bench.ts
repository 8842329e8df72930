/**
 * `npm run bench`: measures the real app in HTTP mode against the fake Slack and a seeded MongoDB,
 * next to a minimal ack-only Bolt app (the baseline), and checks the targets of issue #7.
 * Not part of `npm test`. Every connection stays on 127.0.0.1. See `npm run bench -- --help`.
 */
import { mkdtempSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { Db } from "mongodb";
import type { FakeSlackApi } from "../test/support/slack/fake-slack-api.js";
import { startFakeSlackApi } from "../test/support/slack/fake-slack-api.js";
import { compileMeasuredProcesses } from "./bench/compile.js";
import { ownCpuMs, processCpuMs } from "./bench/cpu.js";
import {
  type FileToolResult,
  type FileToolScenarioName,
  fileToolScenarioNames,
  runFileTools,
} from "./bench/file-tools.js";
import { type HeavyCustomer, seedHeavyCustomer } from "./bench/heavy-customer.js";
import type { ProcessStats } from "./bench/ipc.js";
import { runLevel, SlackSender, startBackground } from "./bench/load.js";
import { type BenchLane, chooseBenchLane } from "./bench/mongo-lane.js";
import { killAllChildren, type MeasuredChild, startMeasuredChild } from "./bench/processes.js";
import {
  compareToBaseline,
  formatDetails,
  formatFileToolTable,
  formatTable,
  formatVerdicts,
  judgeFileTools,
  judgeTargets,
  type LevelResult,
  levelResult,
  type TargetVerdict,
} from "./bench/report.js";
import {
  formatScaleComparison,
  judgeFlatness,
  type MeasuredRun,
  readMeasuredRun,
} from "./bench/scale-compare.js";
import {
  benchScenarioNames,
  defaultScenarios,
  makeScenario,
  type ProcessName,
  type Scenario,
  type ScenarioContext,
  type ScenarioName,
  scaleRunScenarioNames,
  scaleScenarioNames,
  scenarioNames,
  storm,
  stormAppEnv,
  workspace,
} from "./bench/scenarios.js";
import { type Seeded, seedCustomers } from "./bench/seed.js";

const usage = `Usage: npm run bench -- [options]

  --customers N       customers to seed (default 10000; --quick 2000; --scale 1000000)
  --scale             issue 15's scale run: 1,000,000 customers and a heavy customer with 100,000
                      ledger entries (unless --customers / --entries say otherwise), and by default
                      the scenarios ${scaleRunScenarioNames.join(", ")}
  --entries N         give one seeded customer (the heavy customer) N ledger entries, its totals
                      and day buckets counted (default 0; --scale 100000); the billing-heavy
                      scenarios need it
  --compare FILE      the bench-results.json of an earlier run at a smaller size: prints the scale
                      scenarios' done p50/p99 at both sizes with their ratio, and judges the 2×
                      flatness target of list-page-50 and the billing-heavy scenarios
  --count N           operations per scenario and concurrency level (default 300; --quick 100)
  --concurrency LIST  concurrency levels, comma-separated (default 1,8,32; --quick 1,8)
  --scenarios LIST    any of ${benchScenarioNames.join(", ")}
                      (default: all but the file tools; show-floor is a bare Bolt handler doing
                      show's one query and posting the same card: the floor under show's throughput;
                      show-429-storm is show against a third app process while the fake Slack
                      answers 429 with Retry-After ${storm.retryAfterSeconds} s to ${storm.methods.join(", ")};
                      ${fileToolScenarioNames.join(" and ")} run npm run import / export on --rows
                      generated customers with npm start's 128 MB heap: rows/s and peak RSS)
  --rows N            rows the file-tool scenarios import and export (default 1000000)
  --storm-without-usergroups
                      show-429-storm's app with user IDs only (no SUPPORT_USERGROUP_IDS), so its
                      role checks never call usergroups.users.list
  --rounds N          run the chosen scenarios N times in turn (show, show-floor, show, …; default
                      1), so two scenarios are compared over the same stretch of a shared machine's
                      load: the show-vs-show-floor verdict takes the median of the rounds' ratios
  --warmup N          untimed operations per scenario before its first level (default 30; --quick 10)
  --quick             a fast check: 2000 customers, 100 operations, concurrency 1 and 8
  --out FILE          JSON results (default bench-results.json)
  --seed N            demo data seed (default 42)
  --cpu-prof          run the app and the baseline with --cpu-prof (app.cpuprofile and
                      baseline.cpuprofile in the log folder)
  --runtime R         how the app and the baseline run: compiled (tsc → plain node, like
                      npm start; default) or tsx (no compile step, more memory)
  --app-node-args=A   extra node flags for the app process, e.g. --app-node-args=--max-old-space-size=128
  --log-level LEVEL   the app's LOG_LEVEL (default info); logs go to the log folder
  --level-timeout S   stop starting operations in a level after S seconds (default 90)
  --max-minutes M     give up (and clean up) after M minutes (default 15)

MongoDB: MONGODB_URI if set, else mongodb-memory-server if a mongod can be had, else the wire
test server (test/support/mongo-wire) as a child process.`;

interface Options {
  customers: number;
  entries: number;
  scale: boolean;
  compare: string | undefined;
  count: number;
  concurrency: number[];
  scenarios: ScenarioName[];
  fileTools: FileToolScenarioName[];
  rows: number;
  warmup: number;
  rounds: number;
  out: string;
  seed: number;
  cpuProf: boolean;
  runtime: "compiled" | "tsx";
  appNodeArgs: string[];
  logLevel: string;
  levelTimeoutMs: number;
  maxMinutes: number;
  quick: boolean;
  stormUsergroups: boolean;
}

class UsageError extends Error {}

function wholeNumber(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got “${raw}”)`);
  return value;
}

function parseOptions(argv: string[]): Options | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      customers: { type: "string" },
      entries: { type: "string" },
      scale: { type: "boolean", default: false },
      compare: { type: "string" },
      count: { type: "string" },
      concurrency: { type: "string" },
      scenarios: { type: "string" },
      rows: { type: "string", default: "1000000" },
      warmup: { type: "string" },
      rounds: { type: "string", default: "1" },
      quick: { type: "boolean", default: false },
      out: { type: "string", default: "bench-results.json" },
      seed: { type: "string", default: "42" },
      "cpu-prof": { type: "boolean", default: false },
      runtime: { type: "string", default: "compiled" },
      // The same heap limit as `npm start` (package.json), so the benchmark measures what runs in production.
      "app-node-args": { type: "string", default: "--max-old-space-size=128" },
      "log-level": { type: "string", default: "info" },
      "level-timeout": { type: "string", default: "90" },
      "max-minutes": { type: "string", default: "15" },
      "storm-without-usergroups": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return null;
  const quick = values.quick ?? false;
  const scale = values.scale ?? false;
  const concurrency = (values.concurrency ?? (quick ? "1,8" : "1,8,32"))
    .split(",")
    .map((level) => wholeNumber("concurrency", level.trim(), 1, 1024));
  const scenarios: string[] = values.scenarios
    ? values.scenarios.split(",").map((name) => {
        const trimmed = name.trim();
        if (!(benchScenarioNames as readonly string[]).includes(trimmed))
          throw new UsageError(
            `unknown scenario “${name}”; choose from ${benchScenarioNames.join(", ")}`,
          );
        return trimmed;
      })
    : scale
      ? [...scaleRunScenarioNames]
      : defaultScenarios;
  if (values.runtime !== "compiled" && values.runtime !== "tsx")
    throw new UsageError("--runtime must be compiled or tsx");
  if (!["fatal", "error", "warn", "info", "debug", "trace", "silent"].includes(values["log-level"]))
    throw new UsageError(
      "--log-level must be one of fatal, error, warn, info, debug, trace, silent",
    );
  return {
    customers: wholeNumber(
      "customers",
      values.customers ?? (scale ? "1000000" : quick ? "2000" : "10000"),
      1,
      1_000_000,
    ),
    entries: wholeNumber("entries", values.entries ?? (scale ? "100000" : "0"), 0, 10_000_000),
    scale,
    compare: values.compare === undefined ? undefined : resolve(values.compare),
    count: wholeNumber("count", values.count ?? (quick ? "100" : "300"), 1, 1_000_000),
    concurrency: [...new Set(concurrency)].sort((a, b) => a - b),
    // The baseline runs first: the other scenarios are compared with it.
    scenarios: scenarioNames.filter((name) => scenarios.includes(name)),
    fileTools: fileToolScenarioNames.filter((name) => scenarios.includes(name)),
    rows: wholeNumber("rows", values.rows, 1, 10_000_000),
    warmup: wholeNumber("warmup", values.warmup ?? (quick ? "10" : "30"), 0, 100_000),
    rounds: wholeNumber("rounds", values.rounds, 1, 100),
    out: resolve(values.out),
    seed: wholeNumber("seed", values.seed, 1, 2 ** 31),
    cpuProf: values["cpu-prof"],
    runtime: values.runtime,
    appNodeArgs: values["app-node-args"].split(" ").filter(Boolean),
    logLevel: values["log-level"],
    levelTimeoutMs: wholeNumber("level-timeout", values["level-timeout"], 1, 3600) * 1000,
    maxMinutes: wholeNumber("max-minutes", values["max-minutes"], 1, 600),
    quick,
    stormUsergroups: !values["storm-without-usergroups"],
  };
}

const say = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Everything started so far, stopped in reverse order; safe to call twice. */
class Resources {
  private readonly stops: { name: string; stop: () => Promise<void> }[] = [];
  private stopping: Promise<void> | undefined;

  add(name: string, stop: () => Promise<void>): void {
    this.stops.push({ name, stop });
  }

  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      for (const { name, stop } of this.stops.reverse()) {
        await stop().catch((error: unknown) =>
          say(`  (could not stop ${name}: ${(error as Error).message})`),
        );
      }
      killAllChildren();
    })();
    return this.stopping;
  }
}

function appEnv(slack: FakeSlackApi, lane: BenchLane, dbName: string, logLevel: string) {
  return {
    SLACK_BOT_TOKEN: workspace.botToken,
    SLACK_SIGNING_SECRET: workspace.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    PORT: "0",
    APPROVALS_CHANNEL_ID: workspace.approvalsChannel,
    CONSOLE_BASE_URL: "https://console.example.test",
    SUPPORT_USER_IDS: workspace.users.support,
    MANAGER_USER_IDS: workspace.users.manager,
    ADMIN_USER_IDS: workspace.users.admin,
    MONGODB_URI: lane.uri,
    MONGODB_DB: dbName,
    LOG_LEVEL: logLevel,
    SHUTDOWN_TIMEOUT: "5s",
  };
}

function callsByMethod(slack: FakeSlackApi): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of slack.calls) counts[call.method] = (counts[call.method] ?? 0) + 1;
  return counts;
}

function rateLimitedByMethod(slack: FakeSlackApi): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of slack.calls)
    if (call.fault?.kind === "ratelimited") counts[call.method] = (counts[call.method] ?? 0) + 1;
  return counts;
}

function addCounts(into: Record<string, number>, counts: Record<string, number>): void {
  for (const [key, count] of Object.entries(counts)) into[key] = (into[key] ?? 0) + count;
}

/**
 * Empties the fake Slack's records (and its fault rules), then re-adds the scenario's rules; the
 * 429s answered so far are added to `rateLimited` (the scenario's running total) first.
 */
function resetSlack(
  slack: FakeSlackApi,
  scenario: Scenario,
  rateLimited: Record<string, number>,
): void {
  addCounts(rateLimited, rateLimitedByMethod(slack));
  slack.reset();
  for (const rule of scenario.faults ?? []) slack.addFault(rule);
}

async function run(options: Options, resources: Resources): Promise<boolean> {
  // Read first: a file that is not a results file stops the run before it starts.
  const earlier = options.compare ? await readMeasuredRun(options.compare) : null;
  const logDir = mkdtempSync(join(tmpdir(), "customer-bot-bench-"));
  const cpu = cpus();
  if (options.scenarios.length > 0)
    say(
      `Benchmark: ${options.customers.toLocaleString("en-US")} customers, ${options.count} operations per level, concurrency ${options.concurrency.join(", ")}${options.quick ? " (--quick)" : ""}`,
    );
  if (options.fileTools.length > 0)
    say(
      `File tools: ${options.fileTools.join(", ")} on ${options.rows.toLocaleString("en-US")} rows`,
    );
  const loadAtStart = loadavg()[0] ?? 0;
  say(
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? "?"}, Node.js ${process.versions.node}, load average ${loadAtStart.toFixed(2)} before starting`,
  );
  say(`Logs: ${logDir}`);

  const laneStarted = performance.now();
  const lane = await chooseBenchLane(logDir, {
    // The seeded customers and ledger entries, and an imported customer and its audit event a row.
    documents:
      (options.scenarios.length > 0 ? options.customers + options.entries : 0) +
      (options.fileTools.length > 0 ? options.rows * 2 : 0),
  });
  resources.add("MongoDB", () => lane.stop());
  say(
    `MongoDB lane: ${lane.name} — ${lane.description} (ready in ${Math.round(performance.now() - laneStarted)} ms)`,
  );

  let scripts = {
    app: "scripts/bench/app-process.ts",
    baseline: "scripts/bench/baseline-process.ts",
    importCli: "src/cli/import.ts",
    exportCli: "src/cli/export.ts",
  };
  if (options.runtime === "compiled") {
    const started = performance.now();
    say("Compiling the app, the baseline and the command-line tools (tsc)…");
    scripts = await compileMeasuredProcesses(180_000);
    say(`  compiled in ${seconds(performance.now() - started)}`);
  }

  const fileResults: FileToolResult[] =
    options.fileTools.length === 0
      ? []
      : await runFileTools(
          {
            scripts: { import: scripts.importCli, export: scripts.exportCli },
            uri: lane.uri,
            dbName: `bench_files_${process.pid}_${Date.now().toString(36)}`,
            dbPid: lane.pid,
            logDir,
          },
          options.fileTools,
          options.rows,
          say,
        );
  if (options.scenarios.length === 0) return reportFileToolsOnly(options, lane, fileResults);

  const dbName = `bench_${process.pid}_${Date.now().toString(36)}`;
  say(`Seeding ${options.customers.toLocaleString("en-US")} customers into ${dbName}…`);
  const seeded: Seeded = await seedCustomers({
    uri: lane.uri,
    dbName,
    count: options.customers,
    seed: options.seed,
  });
  resources.add("the benchmark database", async () => {
    await seeded.database.db.dropDatabase().catch(() => {});
    await seeded.database.close();
  });
  say(
    `  seeded in ${seconds(seeded.ms)} (${Math.round(options.customers / (seeded.ms / 1000)).toLocaleString("en-US")} customers/s)`,
  );
  const heavy = await seedHeavy(seeded, options.entries);

  const slack = await startFakeSlackApi();
  resources.add("fake Slack", () => slack.stop());
  slack.setUsergroupMembers(storm.supportGroup, [...storm.supportGroupMembers]);
  const env = appEnv(slack, lane, dbName, options.logLevel);
  const withStorm = options.scenarios.includes("show-429-storm");
  const cpuProfArgs = (name: string) => [
    "--cpu-prof",
    `--cpu-prof-dir=${logDir}`,
    `--cpu-prof-name=${name}.cpuprofile`,
  ];
  const [app, baseline, stormApp] = await Promise.all([
    startMeasuredChild(
      {
        name: "app",
        script: scripts.app,
        env,
        cleanEnv: true,
        logFile: join(logDir, "app.log"),
        nodeArgs: [
          "--expose-gc",
          ...options.appNodeArgs,
          ...(options.cpuProf ? cpuProfArgs("app") : []),
        ],
      },
      60_000,
    ),
    startMeasuredChild(
      {
        name: "baseline",
        script: scripts.baseline,
        cleanEnv: true,
        logFile: join(logDir, "baseline.log"),
        env: options.scenarios.includes("show-floor") ? { ...env, BENCH_FLOOR: "1" } : env,
        nodeArgs: ["--expose-gc", ...(options.cpuProf ? cpuProfArgs("baseline") : [])],
      },
      60_000,
    ),
    // Its own process, so the storm's paused Web API queue and pending retries touch no other scenario.
    withStorm
      ? startMeasuredChild(
          {
            name: "storm-app",
            script: scripts.app,
            env: { ...env, ...stormAppEnv(options.stormUsergroups) },
            cleanEnv: true,
            logFile: join(logDir, "storm-app.log"),
            nodeArgs: ["--expose-gc", ...options.appNodeArgs],
          },
          60_000,
        )
      : undefined,
  ]);
  resources.add("app", () => app.stop());
  resources.add("baseline", () => baseline.stop());
  if (stormApp) resources.add("storm-app", () => stormApp.stop());
  say(
    `App (pid ${app.process.pid}) on port ${app.port}; baseline (pid ${baseline.process.pid}) on port ${baseline.port}${stormApp ? `; storm app (pid ${stormApp.process.pid}, audit channel${options.stormUsergroups ? ", a support user group" : ", user IDs only"}) on port ${stormApp.port}` : ""}`,
  );

  const topConcurrency = Math.max(...options.concurrency);
  const requestTimeoutMs = 10_000;
  const senderFor = (child: MeasuredChild, extraSockets = 0) =>
    new SlackSender(
      child.port,
      workspace.signingSecret,
      topConcurrency + extraSockets,
      requestTimeoutMs,
    );
  const senders: Partial<Record<ProcessName, SlackSender>> = {
    app: senderFor(app),
    baseline: senderFor(baseline),
    ...(stormApp ? { "storm-app": senderFor(stormApp, storm.backgroundWorkers) } : {}),
  };
  resources.add("HTTP agents", async () => {
    for (const sender of Object.values(senders)) sender.close();
  });
  const context: ScenarioContext = {
    slack,
    customers: seeded.customers,
    appSender: senders.app as SlackSender,
    completionTimeoutMs: 15_000,
    heavy,
  };
  const processes: Partial<Record<ProcessName, MeasuredChild>> = {
    app,
    baseline,
    ...(stormApp ? { "storm-app": stormApp } : {}),
  };

  const results: LevelResult[] = [];
  const benchStarted = performance.now();
  const passes = Array.from({ length: options.rounds }, (_, index) =>
    options.scenarios.map((name) => ({ round: index + 1, name })),
  ).flat();
  for (const { round, name } of passes) {
    const scenario = makeScenario(name, context);
    const measured = processes[scenario.target];
    const sender = senders[scenario.target];
    if (!measured || !sender)
      throw new Error(`${name}: its process ${scenario.target} was not started`);
    if (scenario.prepare) {
      const perLevel = options.concurrency.reduce((sum, level) => sum + level + options.count, 0);
      const operations = options.warmup + perLevel;
      const started = performance.now();
      say(`${name}: preparing ${operations} operations…`);
      await scenario.prepare(operations);
      say(`  prepared in ${seconds(performance.now() - started)}`);
    }
    const rateLimitedInScenario: Record<string, number> = {};
    resetSlack(slack, scenario, {});
    if (scenario.faults)
      say(
        `${name}: the fake Slack answers 429 (Retry-After ${storm.retryAfterSeconds} s) to ${[...new Set(scenario.faults.map((rule) => rule.method))].join(", ")} from now on`,
      );
    const background = scenario.background
      ? startBackground({
          sender,
          workers: storm.backgroundWorkers,
          pauseMs: storm.backgroundPauseMs,
          operation: scenario.background,
        })
      : undefined;
    if (options.warmup > 0) {
      const warm = await runLevel({
        sender,
        concurrency: Math.min(4, topConcurrency),
        count: options.warmup,
        operation: () => scenario.next(),
        deadlineMs: options.levelTimeoutMs,
      });
      if (warm.errors > 0)
        say(
          `  warm-up of ${name}: ${warm.errors} failed: ${Object.keys(warm.problems).join(" | ")}`,
        );
    }
    for (const concurrency of options.concurrency) {
      // One untimed round at this concurrency: the keep-alive pool opens its sockets now (idle
      // ones were closed by the server after 5 s), not inside the measured run.
      await runLevel({
        sender,
        concurrency,
        count: concurrency,
        operation: () => scenario.next(),
        deadlineMs: options.levelTimeoutMs,
      });
      resetSlack(slack, scenario, rateLimitedInScenario);
      background?.take();
      const examinedBefore = await documentsExamined(seeded.database.db);
      const before: ProcessStats = await measured.stats(true);
      const cpuBefore = { database: processCpuMs(lane.pid), generator: ownCpuMs() };
      const levelRun = await runLevel({
        sender,
        concurrency,
        count: options.count,
        operation: () => scenario.next(),
        deadlineMs: options.levelTimeoutMs,
      });
      const cpuAfter = { database: processCpuMs(lane.pid), generator: ownCpuMs() };
      const examinedAfter = await documentsExamined(seeded.database.db);
      const after = await measured.stats(false);
      const row = levelResult({
        round,
        cpuBefore,
        cpuAfter,
        scenario: name,
        processName: scenario.target,
        concurrency,
        run: levelRun,
        before,
        after,
        slackCalls: callsByMethod(slack),
        slackRateLimited: rateLimitedByMethod(slack),
        slackRateLimitedInScenario: (() => {
          const total = { ...rateLimitedInScenario };
          addCounts(total, rateLimitedByMethod(slack));
          return total;
        })(),
        background: background?.take() ?? null,
      });
      row.documentsExaminedPerOp =
        examinedBefore === null || examinedAfter === null || levelRun.count === 0
          ? null
          : Math.round(((examinedAfter - examinedBefore) / levelRun.count) * 10) / 10;
      results.push(row);
      const examinedNote =
        row.documentsExaminedPerOp === null
          ? ""
          : `, ${row.documentsExaminedPerOp} docs examined/op`;
      say(
        `  ${options.rounds > 1 ? `[${round}] ` : ""}${name.padEnd(15)} c=${String(concurrency).padEnd(3)} ${row.ok}/${row.count} ok in ${seconds(row.elapsedMs)}: ack p99 ${row.ackMs.p99} ms, ${row.opsPerSec}/s${row.errors ? `, ${row.errors} FAILED` : ""}${examinedNote}`,
      );
    }
    background?.stop();
    // The next scenario's preparation runs before its first reset: no faults may be left for it.
    slack.clearFaults();
  }
  say(`Measured in ${seconds(performance.now() - benchStarted)}.`);

  compareToBaseline(results);
  const thisRun: MeasuredRun = {
    size: { customers: options.customers, entries: options.entries },
    results,
  };
  const verdicts = [
    ...judgeTargets(results, options.concurrency),
    ...judgeFileTools(fileResults),
    ...(earlier ? judgeFlatness(earlier, thisRun) : []),
  ];
  // A full GC at the very end: the heap that survives it is what the app really retains after the
  // whole run (a leak shows here; growth before it is V8 collecting lazily, which peak RSS includes).
  const finalStats = await app.stats(false, true);

  const loadAtEnd = loadavg()[0] ?? 0;
  print();
  // The run itself keeps ~3 processes busy, so only the load before it says something about others.
  if (loadAtStart > 0.5 * cpu.length)
    print(
      `Note: other work was running on this machine (load average ${loadAtStart.toFixed(2)} before the run, ${cpu.length} CPUs): timings are noisier than usual.`,
    );
  print(
    `MongoDB lane: ${lane.name}${lane.realMongo ? "" : " (not a real mongod: MongoDB-bound figures are the test server's)"}`,
  );
  print(
    [
      `${options.customers.toLocaleString("en-US")} customers, ${options.count} operations per row. Times in ms: ack = the HTTP response; done = the flow's completion as the fake Slack saw it.`,
      "done/s = completed operations per second (vs base: against the baseline at the same concurrency). mongo/op, txn/op = the app's MongoDB commands and transactions per operation.",
      "CPU ms/op: app = the measured process (the baseline app in baseline rows), db = the database server, gen = the load generator and fake Slack. RSS = peak of the measured process in the row; gen lag = the load generator's event-loop delay p99.",
    ].join("\n"),
  );
  print();
  print(formatTable(results));
  print();
  print(formatDetails(results, options.scenarios));
  if (options.scenarios.some((name) => scaleScenarioNames.includes(name)))
    print(scaleNote(options, lane, heavy));
  if (earlier) {
    print();
    print(formatScaleComparison(earlier, thisRun));
  }
  if (fileResults.length > 0) {
    print();
    print(formatFileToolTable(fileResults));
  }
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  print(
    `App process: lifetime max RSS ${mb(finalStats.maxRss)}; heap retained after a full GC at the end ${finalStats.heapAfterGc === null ? "unknown" : mb(finalStats.heapAfterGc)}; ${Object.values(finalStats.commands).reduce((sum, count) => sum + count, 0)} MongoDB commands in all`,
  );
  await finish(options.out, verdicts, {
    machine: {
      cpus: cpu.length,
      cpuModel: cpu[0]?.model.trim(),
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
      loadAverageBefore: loadAtStart,
      loadAverageAtEnd: loadAtEnd,
    },
    mongoLane: { name: lane.name, realMongo: lane.realMongo, description: lane.description },
    options: {
      customers: options.customers,
      entries: options.entries,
      count: options.count,
      concurrency: options.concurrency,
      scenarios: options.scenarios,
      fileTools: options.fileTools,
      rows: options.rows,
      warmup: options.warmup,
      seed: options.seed,
      quick: options.quick,
      runtime: options.runtime,
      appNodeArgs: options.appNodeArgs,
      stormUsergroups: options.stormUsergroups,
    },
    seedMs: Math.round(seeded.ms),
    heavy: heavy && {
      customerId: heavy.customerId,
      entries: heavy.entries,
      deepPage: heavy.deep.page,
      ledgerSeedMs: Math.round(heavy.ms.ledger),
      totalsCountMs: Math.round(heavy.ms.totals),
    },
    app: {
      lifetimeMaxRssMB: Math.round((finalStats.maxRss / 1024 / 1024) * 10) / 10,
      heapAfterFinalGcMB:
        finalStats.heapAfterGc === null
          ? null
          : Math.round((finalStats.heapAfterGc / 1024 / 1024) * 10) / 10,
      mongoCommandsTotal: finalStats.commands,
    },
    results,
    fileTools: fileResults,
    logs: logDir,
  });
  if (options.cpuProf)
    print(
      `CPU profiles: ${logDir}/app.cpuprofile and baseline.cpuprofile (written when they stop)`,
    );
  return verdicts.every((verdict) => verdict.pass);
}

const print = (text = "") => process.stdout.write(`${text}\n`);

/**
 * The documents the database has examined so far (serverStatus `metrics.queryExecutor.scannedObjects`,
 * which mongod and the wire test server both keep); null when it cannot be read. Every reader of the
 * database counts, so a row's figure includes the app's background work in that time.
 */
async function documentsExamined(db: Db): Promise<number | null> {
  try {
    const status = await db.admin().command({ serverStatus: 1 });
    const scanned = status.metrics?.queryExecutor?.scannedObjects;
    return scanned === undefined ? null : Number(scanned);
  } catch {
    return null;
  }
}

/** Gives the first seeded customer `entries` ledger entries (none: no heavy customer). */
async function seedHeavy(seeded: Seeded, entries: number): Promise<HeavyCustomer | null> {
  const customer = seeded.customers[0];
  if (entries === 0 || !customer) return null;
  say(`Seeding ${entries.toLocaleString("en-US")} ledger entries for ${customer.customerId}…`);
  const heavy = await seedHeavyCustomer(seeded.database, customer, entries);
  say(
    `  ledger written in ${seconds(heavy.ms.ledger)}, totals and day buckets counted in ${seconds(heavy.ms.totals)}; deep page ${heavy.deep.page.toLocaleString("en-US")}`,
  );
  return heavy;
}

/** What the scale scenarios' figures mean on this lane (issue 15). */
function scaleNote(options: Options, lane: BenchLane, heavy: HeavyCustomer | null): string {
  const sizes = `${options.customers.toLocaleString("en-US")} customers${heavy ? `, a heavy customer with ${heavy.entries.toLocaleString("en-US")} ledger entries (deep page ${heavy.deep.page.toLocaleString("en-US")})` : ""}`;
  const lines = [
    `Scale scenarios (issue 15) on ${sizes}. The target is flatness: billing and list-page times within 2× from 1k to 100k entries/pages — compare two runs at two sizes.`,
  ];
  if (lane.realMongo)
    lines.push(
      "Documents examined per operation: each row's docs examined/op (serverStatus metrics.queryExecutor.scannedObjects over the row, every reader of the database included).",
    );
  else
    lines.push(
      "On the wire test server (an in-memory JavaScript server, not mongod) absolute times are not production's. It walks the declared indexes as MongoDB's planner would for the app's query shapes (equality prefix, sort, range, keyset tie; test/support/mongo-wire/index-walk.ts) and scans only when none fits; each row's docs examined/op is its serverStatus metrics.queryExecutor.scannedObjects over the row (every reader of the database included).",
    );
  return lines.join("\n");
}

/** Prints the verdicts on the targets and writes them, with `results`, to the JSON file `out`. */
async function finish(
  out: string,
  verdicts: TargetVerdict[],
  results: Record<string, unknown>,
): Promise<void> {
  print();
  print("Targets:");
  print(formatVerdicts(verdicts));
  const json = { finishedAt: new Date().toISOString(), ...results, targets: verdicts };
  await writeFile(out, `${JSON.stringify(json, null, 2)}\n`);
  print();
  print(`Results written to ${out}`);
}

/** The end of a run of file-tool scenarios only: their table, verdicts and JSON file. */
async function reportFileToolsOnly(
  options: Options,
  lane: BenchLane,
  results: FileToolResult[],
): Promise<boolean> {
  const verdicts = judgeFileTools(results);
  print();
  print(
    `MongoDB lane: ${lane.name}${lane.realMongo ? "" : " (not a real mongod: the database's share of the time is the test server's)"}`,
  );
  print(formatFileToolTable(results));
  await finish(options.out, verdicts, {
    machine: { cpus: cpus().length, node: process.versions.node },
    mongoLane: { name: lane.name, realMongo: lane.realMongo, description: lane.description },
    options: { fileTools: options.fileTools, rows: options.rows, runtime: options.runtime },
    fileTools: results,
  });
  return verdicts.every((verdict) => verdict.pass);
}

async function main(): Promise<void> {
  let options: Options | null;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    say(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  if (!options) {
    say(usage);
    return;
  }
  const resources = new Resources();
  let gaveUpAt: number | undefined;
  const giveUp = (why: string, code: number) => {
    if (gaveUpAt !== undefined) {
      // tsx relays Ctrl-C, so one press can arrive twice: ignore that echo. A later one is an
      // impatient second Ctrl-C: kill everything at once.
      if (Date.now() - gaveUpAt < 1000) return;
      killAllChildren();
      process.exit(code);
    }
    gaveUpAt = Date.now();
    say(`\n${why}; stopping everything…`);
    setTimeout(() => process.exit(code), 15_000).unref();
    void resources.stopAll().finally(() => process.exit(code));
  };
  process.on("SIGINT", () => giveUp("Interrupted", 130));
  process.on("SIGTERM", () => giveUp("Terminated", 143));
  setTimeout(
    () => giveUp(`Gave up after ${options.maxMinutes} minutes (--max-minutes)`, 1),
    options.maxMinutes * 60_000,
  ).unref();
  let allPass = false;
  try {
    allPass = await run(options, resources);
  } catch (error) {
    // Stopping after a signal makes the run fail midway; giveUp exits once everything is stopped.
    if (gaveUpAt !== undefined) return;
    say(`\nbench failed: ${(error as Error).stack ?? error}`);
    await resources.stopAll();
    process.exit(1);
  }
  await resources.stopAll();
  // Targets missed are findings, not a broken benchmark: exit 0 either way, but say so.
  say(allPass ? "All targets met." : "Some targets were missed (see FAIL above).");
  process.exit(0);
}

await main();
