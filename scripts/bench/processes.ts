/**
 * Child processes of the benchmark: each is one node process (TypeScript through `--import tsx`,
 * or compiled JavaScript) in its own process group, killed when the benchmark exits for any reason
 * (also Ctrl-C).
 */
import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { ChildMessage, ParentMessage, ProcessStats } from "./ipc.js";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** pids to kill on exit; `group` when the pid leads its own process group. */
const running = new Map<number, { group: boolean }>();

function killNow(pid: number, group: boolean): void {
  try {
    process.kill(group ? -pid : pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** Kills every child still running, at once (also safe inside a process "exit" handler). */
export function killAllChildren(): void {
  for (const [pid, { group }] of running) killNow(pid, group);
  running.clear();
}

/** For processes started by libraries (e.g. mongodb-memory-server's mongod). */
export function rememberProcess(pid: number | undefined): void {
  if (pid) running.set(pid, { group: false });
}

process.on("exit", killAllChildren);

/** What a node process needs from the environment, and nothing that would configure the app. */
function basicEnv(): Record<string, string> {
  const keep = ["PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "TZ"];
  return Object.fromEntries(
    keep.flatMap((key) =>
      process.env[key] === undefined ? [] : [[key, process.env[key] as string]],
    ),
  );
}

export class ChildExited extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000}s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export interface SpawnOptions {
  name: string;
  /** A .ts file (run with --import tsx) or a .js file (plain node); relative to the repository or absolute. */
  script: string;
  args?: string[];
  env?: Record<string, string>;
  /** Start from only PATH/HOME/locale and `env`, not the whole environment (default: inherit it). */
  cleanEnv?: boolean;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** Where the child's stdout/stderr go (a file; the parent never reads them). */
  logFile: string;
  ipc?: boolean;
  /** Pipe stdout to the parent instead of the log file. */
  pipeStdout?: boolean;
}

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Stops the child: a graceful way first (IPC "stop" or SIGTERM), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export function spawnScript(options: SpawnOptions): Child {
  const log = openSync(options.logFile, "a");
  const stdio: StdioOptions = [
    "ignore",
    options.pipeStdout ? "pipe" : log,
    log,
    ...(options.ipc ? (["ipc"] as const) : []),
  ];
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      ...(options.script.endsWith(".ts") ? ["--import", "tsx"] : []),
      options.script,
      ...(options.args ?? []),
    ],
    {
      cwd: repoRoot,
      env: { ...(options.cleanEnv ? basicEnv() : process.env), ...options.env },
      stdio,
      detached: true,
    },
  );
  closeSync(log);
  const pid = child.pid;
  if (pid) running.set(pid, { group: true });
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code, signal) => {
      if (pid) running.delete(pid);
      resolve(code ?? (signal ? 128 : null));
    });
    child.once("error", () => resolve(null));
  });
  return {
    name: options.name,
    process: child,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (options.ipc && child.connected) child.send({ type: "stop" } satisfies ParentMessage);
      else child.kill("SIGTERM");
      const timer = setTimeout(() => pid && killNow(pid, true), graceMs);
      await exited;
      clearTimeout(timer);
      // Anything the child itself started (tsx has no helpers with --import, but be sure).
      if (pid) killNow(pid, true);
    },
  };
}

/** Resolves with the first stdout line matching `pattern`; fails if the child exits or time runs out. */
export async function firstLine(child: Child, pattern: RegExp, timeoutMs: number): Promise<string> {
  const stdout = child.process.stdout;
  if (!stdout) throw new Error(`${child.name}: stdout is not piped`);
  const lines = createInterface({ input: stdout });
  const found = new Promise<string>((resolve, reject) => {
    lines.on("line", (line) => {
      if (pattern.test(line.trim())) resolve(line.trim());
    });
    void child.exited.then((code) =>
      reject(new ChildExited(`${child.name} exited (code ${code}) before printing ${pattern}`)),
    );
  });
  try {
    return await withTimeout(found, timeoutMs, `${child.name} start-up`);
  } finally {
    // Keep draining stdout so the child never blocks on a full pipe.
    lines.removeAllListeners("line");
    lines.on("line", () => {});
  }
}

/** A child speaking ipc.ts: ready with its port, then stats on request. */
export interface MeasuredChild extends Child {
  readonly port: number;
  stats(resetPeak?: boolean, collectGarbage?: boolean): Promise<ProcessStats>;
}

export async function startMeasuredChild(
  options: Omit<SpawnOptions, "ipc">,
  timeoutMs: number,
): Promise<MeasuredChild> {
  const child = spawnScript({ ...options, ipc: true });
  const ready = new Promise<number>((resolve, reject) => {
    child.process.on("message", (message: ChildMessage) => {
      if (message.type === "ready") resolve(message.port);
      if (message.type === "failed")
        reject(new Error(`${options.name} failed to start: ${message.message}`));
    });
    void child.exited.then((code) =>
      reject(
        new ChildExited(
          `${options.name} exited (code ${code}) before it was ready; see ${options.logFile}`,
        ),
      ),
    );
  });
  let port: number;
  try {
    port = await withTimeout(ready, timeoutMs, `${options.name} start-up`);
  } catch (error) {
    await child.stop(1000);
    throw error;
  }
  let nextId = 0;
  const waiting = new Map<number, (stats: ProcessStats) => void>();
  child.process.on("message", (message: ChildMessage) => {
    if (message.type !== "stats") return;
    const { type: _type, id, ...stats } = message;
    waiting.get(id)?.(stats);
    waiting.delete(id);
  });
  return {
    ...child,
    port,
    stats(resetPeak = false, collectGarbage = false) {
      nextId += 1;
      const id = nextId;
      const answer = new Promise<ProcessStats>((resolve, reject) => {
        waiting.set(id, resolve);
        void child.exited.then((code) =>
          reject(new ChildExited(`${options.name} exited (code ${code}); see ${options.logFile}`)),
        );
      });
      child.process.send({ type: "stats", id, resetPeak, collectGarbage } satisfies ParentMessage);
      return withTimeout(answer, 10_000, `${options.name} stats`);
    },
  };
}

export { withTimeout };
