/**
 * Compiles the measured processes (the app with src/, and the baseline) to JavaScript with tsc, so
 * they run on plain node the way `npm start` runs the app — without tsx's loader thread and
 * in-memory transpiled sources, which would add to their memory and start-up.
 * Output: node_modules/.cache/customer-bot-bench-<checkout>/out (incremental; nothing in the work
 * tree). One folder per checkout: work trees that share one node_modules (a symlink) would otherwise
 * compile into, and run, each other's code.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./processes.js";

const checkout = createHash("sha256").update(repoRoot).digest("hex").slice(0, 8);
const cacheDir = join(repoRoot, "node_modules", ".cache", `customer-bot-bench-${checkout}`);
const outDir = join(cacheDir, "out");

export interface CompiledScripts {
  app: string;
  baseline: string;
  /** The operators' import and export tools (src/cli/), for the file-tool scenarios. */
  importCli: string;
  exportCli: string;
}

export async function compileMeasuredProcesses(timeoutMs: number): Promise<CompiledScripts> {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "package.json"), `${JSON.stringify({ type: "module" })}\n`);
  writeFileSync(
    join(cacheDir, "tsconfig.json"),
    `${JSON.stringify(
      {
        extends: "../../../tsconfig.json",
        compilerOptions: {
          noEmit: false,
          rootDir: "../../..",
          outDir: "./out",
          sourceMap: false,
          declaration: false,
          incremental: true,
          tsBuildInfoFile: "./out/.tsbuildinfo",
        },
        include: [
          "../../../src/**/*.ts",
          "../../../scripts/bench/app-process.ts",
          "../../../scripts/bench/baseline-process.ts",
        ],
      },
      null,
      2,
    )}\n`,
  );
  const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  const output: string[] = [];
  const child = spawn(process.execPath, [tsc, "-p", join(cacheDir, "tsconfig.json")], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      output.push(`tsc took longer than ${timeoutMs / 1000}s`);
    }, timeoutMs);
    child.once("exit", (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  const scripts = {
    app: join(outDir, "scripts", "bench", "app-process.js"),
    baseline: join(outDir, "scripts", "bench", "baseline-process.js"),
    importCli: join(outDir, "src", "cli", "import.js"),
    exportCli: join(outDir, "src", "cli", "export.js"),
  };
  // Type errors still emit JavaScript (someone may be mid-edit in src/); a missing file does not.
  if (!existsSync(scripts.app) || !existsSync(scripts.baseline))
    throw new Error(
      `compiling the app for the benchmark failed (tsc exit ${code}):\n${output.join("")}`,
    );
  if (code !== 0)
    process.stderr.write(
      `  (tsc reported type errors; running what it emitted)\n${output.join("").slice(0, 2000)}\n`,
    );
  return scripts;
}
