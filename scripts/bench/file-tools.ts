/**
 * The `import-1m` and `export-1m` scenarios: the operators' command-line tools run as `npm start`
 * runs the app (compiled, plain node, `--max-old-space-size=128`) on a generated file of `rows`
 * customers, each in its own child process whose peak RSS is read from /proc (VmHWM).
 */

import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { processCpuMs } from "./cpu.js";
import { spawnScript } from "./processes.js";

export const fileToolScenarioNames = ["import-1m", "export-1m"] as const;
export type FileToolScenarioName = (typeof fileToolScenarioNames)[number];

/** The heap `npm start` gives the app (package.json): the tools must work within it. */
export const toolHeapArgs = ["--max-old-space-size=128"];
const rssSampleMs = 50;

/** Where a tool's numbers are held against: issue #15, point 6. */
export const fileToolTargets = { rowsPerSec: 10_000, peakRssMB: 200 } as const;

export interface FileToolResult {
  scenario: FileToolScenarioName;
  rows: number;
  /** What the tool said it did (its summary line(s) on stdout). */
  summary: string;
  exitCode: number | null;
  elapsedMs: number;
  rowsPerSec: number;
  /** Peak resident set of the tool's process (VmHWM), in MB; null where /proc cannot say. */
  peakRssMB: number | null;
  /** CPU seconds of the tool and of the database server during the run (null: unknown). */
  cpuSeconds: { tool: number | null; database: number | null };
  fileMB: number;
}

/** Row `i` of the generated import file: all three team types, some tags; 0.1 % invalid, 0.1 % repeated. */
function importLine(i: number): string {
  if (i % 1000 === 999) return `not-an-email-${i},Team ${i},default,,`;
  // Repeats the account of a row 1,000 lines earlier (another batch): a duplicate inside the file.
  const account = i % 1000 === 500 && i >= 1000 ? `user${i - 1001}` : `user${i}`;
  switch (i % 3) {
    case 0:
      return `${account}@bench.example,Acme Data ${i},enterprise,Acme ${i % 97} Corp,vip`;
    case 1:
      return `${account}@bench.example,Team ${i},individual,,`;
    default:
      return `${account}@bench.example,Harbor ${i},default,,trial`;
  }
}

/** Writes the CSV the import scenario reads (streamed, with back-pressure). */
export async function writeImportFile(path: string, rows: number): Promise<void> {
  const output = createWriteStream(path);
  const lines: string[] = ["account,teamName,teamType,companyName,tag"];
  for (let i = 0; i < rows; i += 1) {
    lines.push(importLine(i));
    if (lines.length >= 1000) {
      if (!output.write(`${lines.join("\n")}\n`)) await once(output, "drain");
      lines.length = 0;
    }
  }
  output.end(lines.length > 0 ? `${lines.join("\n")}\n` : "");
  await once(output, "finish");
}

/**
 * The largest VmHWM (the kernel's peak RSS, kB) and the last CPU time read, polled until the
 * process is gone (VmHWM never goes down, so the last sample misses at most the final 50 ms).
 */
function watchProcess(pid: number): {
  stop(): { peakRssMB: number | null; cpuMs: number | null };
} {
  let peakKb: number | null = null;
  let cpuMs: number | null = null;
  const sample = async () => {
    try {
      const status = await readFile(`/proc/${pid}/status`, "utf8");
      const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]);
      if (Number.isFinite(kb)) peakKb = Math.max(peakKb ?? 0, kb);
      cpuMs = processCpuMs(pid) ?? cpuMs;
    } catch {
      // gone, or no /proc here
    }
  };
  void sample();
  const timer = setInterval(() => void sample(), rssSampleMs);
  return {
    stop() {
      clearInterval(timer);
      return { peakRssMB: peakKb === null ? null : peakKb / 1024, cpuMs };
    },
  };
}

export interface FileToolRun {
  /** The import/export CLI: compiled JavaScript (like npm start) or the .ts (run through tsx). */
  scripts: { import: string; export: string };
  uri: string;
  dbName: string;
  /** The database server's process, when it runs here (for its CPU time). */
  dbPid?: number;
  logDir: string;
}

/**
 * The URI the tools get. A database server started here for the run (the wire test server) builds
 * an index's B+ tree on the first query that walks it and answers nothing meanwhile — over a million
 * customers that takes longer than the driver's 30 s monitor timeout (MongoDB builds indexes at
 * `createIndexes` and keeps answering). For such a server the driver's connect/monitor timeout is
 * raised to 10 minutes so that the run measures the tool, not that pause; a `MONGODB_URI` given to
 * the benchmark is passed as it is.
 */
function patientUri(run: FileToolRun): string {
  if (run.dbPid === undefined || /[?&]connectTimeoutMS=/i.test(run.uri)) return run.uri;
  const url = new URL(run.uri);
  url.searchParams.set("connectTimeoutMS", "600000");
  return url.toString();
}

interface ToolOutcome {
  code: number | null;
  stdout: string;
  elapsedMs: number;
  peakRssMB: number | null;
  cpuSeconds: FileToolResult["cpuSeconds"];
}

async function runTool(
  run: FileToolRun,
  tool: "import" | "export",
  args: string[],
): Promise<ToolOutcome> {
  const started = performance.now();
  const dbCpuBefore = processCpuMs(run.dbPid);
  const child = spawnScript({
    name: tool,
    script: run.scripts[tool],
    args,
    env: { MONGODB_URI: patientUri(run), MONGODB_DB: run.dbName },
    cleanEnv: true,
    nodeArgs: toolHeapArgs,
    logFile: join(run.logDir, `${tool}.log`),
    pipeStdout: true,
  });
  const watched = watchProcess(child.process.pid ?? 0);
  const chunks: Buffer[] = [];
  child.process.stdout?.on("data", (chunk: Buffer) => chunks.push(chunk));
  const code = await child.exited;
  const elapsedMs = performance.now() - started;
  const dbCpuAfter = processCpuMs(run.dbPid);
  const { peakRssMB, cpuMs } = watched.stop();
  const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10);
  const dbCpuMs = dbCpuBefore === null || dbCpuAfter === null ? null : dbCpuAfter - dbCpuBefore;
  return {
    code,
    stdout: Buffer.concat(chunks).toString("utf8"),
    elapsedMs,
    peakRssMB,
    cpuSeconds: { tool: seconds(cpuMs), database: seconds(dbCpuMs) },
  };
}

function result(
  scenario: FileToolScenarioName,
  rows: number,
  fileBytes: number,
  outcome: ToolOutcome,
  summary: string,
): FileToolResult {
  return {
    scenario,
    rows,
    summary,
    exitCode: outcome.code,
    elapsedMs: Math.round(outcome.elapsedMs),
    rowsPerSec: Math.round(rows / (outcome.elapsedMs / 1000)),
    peakRssMB: outcome.peakRssMB === null ? null : Math.round(outcome.peakRssMB * 10) / 10,
    cpuSeconds: outcome.cpuSeconds,
    fileMB: Math.round((fileBytes / 1024 / 1024) * 10) / 10,
  };
}

/**
 * Runs the chosen file-tool scenarios on a fresh database: the import of `rows` generated rows
 * (timed when `import-1m` is chosen; the untimed preparation of `export-1m` otherwise), then the
 * export of every customer to CSV. Times are whole process runs (start-up and connecting included).
 */
export async function runFileTools(
  run: FileToolRun,
  scenarios: FileToolScenarioName[],
  rows: number,
  say: (line: string) => void,
): Promise<FileToolResult[]> {
  const results: FileToolResult[] = [];
  const importFile = join(run.logDir, "import.csv");
  say(`File tools: writing ${rows.toLocaleString("en-US")} rows to ${importFile}…`);
  await writeImportFile(importFile, rows);
  const importBytes = (await stat(importFile)).size;
  say(`  importing (${scenarios.includes("import-1m") ? "timed" : "untimed, for export-1m"})…`);
  const imported = await runTool(run, "import", [
    importFile,
    "--report",
    join(run.logDir, "import-report.jsonl"),
  ]);
  const importSummary = imported.stdout.split("\n").slice(1, 5).join("; ").replace(/\s+/g, " ");
  if (imported.code !== 0)
    throw new Error(`the import exited ${imported.code}; see ${join(run.logDir, "import.log")}`);
  if (scenarios.includes("import-1m")) {
    results.push(result("import-1m", rows, importBytes, imported, importSummary.trim()));
    say(
      `  import-1m: ${rows.toLocaleString("en-US")} rows in ${(imported.elapsedMs / 1000).toFixed(1)} s`,
    );
  }
  if (scenarios.includes("export-1m")) {
    const exportFile = join(run.logDir, "export.csv");
    say("  exporting…");
    const exported = await runTool(run, "export", [exportFile]);
    if (exported.code !== 0)
      throw new Error(`the export exited ${exported.code}; see ${join(run.logDir, "export.log")}`);
    const written = Number(/Exported ([\d,]+)/.exec(exported.stdout)?.[1]?.replaceAll(",", ""));
    const exportBytes = (await stat(exportFile)).size;
    results.push(result("export-1m", written, exportBytes, exported, exported.stdout.trim()));
    say(
      `  export-1m: ${written.toLocaleString("en-US")} rows in ${(exported.elapsedMs / 1000).toFixed(1)} s`,
    );
  }
  return results;
}
