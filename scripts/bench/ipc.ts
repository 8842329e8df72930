/** Messages between the benchmark (parent) and the processes it measures (app, baseline), over Node's IPC channel. */

/** Marks, in a command key, the command that opened a transaction (so a report can say which). */
export const startTransactionMark = "[startTransaction]";
/** Marks commands the app sends by itself (the approval sweeper), not because of a request. */
export const backgroundMark = "[background]";

/** Parent → child. */
export type ParentMessage =
  /**
   * Stats so far; `resetPeak` starts a new peak-RSS window after answering; `collectGarbage` runs a
   * full GC (when the process has --expose-gc) and reports the heap that survives it.
   */
  | { type: "stats"; id: number; resetPeak: boolean; collectGarbage: boolean }
  /** Stop serving, close MongoDB, exit 0 (so `--cpu-prof` profiles get written). */
  | { type: "stop" };

export interface ProcessStats {
  /** MongoDB `commandStarted` events so far, by `command(collection)` key; empty for the baseline. */
  commands: Record<string, number>;
  /** Highest sampled RSS (bytes) since the last reset. */
  peakRss: number;
  /** `process.resourceUsage().maxRSS` in bytes: the process's lifetime peak, as the kernel counts it. */
  maxRss: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  /** Memory outside the V8 heap held by JS objects (Buffers, …). */
  external: number;
  /** Heap still used after a full GC (what is really retained); null when no GC was asked for. */
  heapAfterGc: number | null;
  /** CPU time used by the process so far (user + system), in milliseconds. */
  cpuMs: number;
  /** The system (kernel) part of cpuMs: syscalls, i.e. mostly socket I/O. */
  systemCpuMs: number;
}

/** Child → parent. */
export type ChildMessage =
  | { type: "ready"; port: number; pid: number }
  | { type: "failed"; message: string }
  | ({ type: "stats"; id: number } & ProcessStats);
