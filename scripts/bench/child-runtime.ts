/**
 * What every measured child process (the app, the baseline) shares: the IPC channel to the
 * benchmark, a peak-RSS sampler, and exiting when the benchmark goes away.
 */
import type { ChildMessage, ParentMessage } from "./ipc.js";

const rssSampleMs = 25;

/** Heap in use after a full collection, or null when the process was not started with --expose-gc. */
function heapAfterFullGc(): number | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return null;
  gc();
  return process.memoryUsage().heapUsed;
}

export interface ChildRuntime {
  send(message: ChildMessage): void;
  /** Reports a start-up failure to the parent, then exits 1. */
  fail(error: unknown): void;
}

export function startChildRuntime(options: {
  /** MongoDB command counts so far (by key). */
  commands: () => Record<string, number>;
  /** Stops serving and closes connections; the process exits 0 afterwards. */
  stop: () => Promise<void>;
}): ChildRuntime {
  if (!process.send) {
    process.stderr.write("this script is started by `npm run bench` (it needs an IPC channel)\n");
    process.exit(2);
  }
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, rssSampleMs);
  sampler.unref();

  const send = (message: ChildMessage) => {
    if (process.connected) process.send?.(message);
  };

  let stopping = false;
  const stopAndExit = (code: number) => {
    if (stopping) return;
    stopping = true;
    clearInterval(sampler);
    const force = setTimeout(() => process.exit(code), 10_000);
    force.unref();
    options.stop().then(
      () => process.exit(code),
      () => process.exit(code || 1),
    );
  };

  process.on("message", (message: ParentMessage) => {
    if (message.type === "stop") return stopAndExit(0);
    if (message.type === "stats") {
      const memory = process.memoryUsage();
      peakRss = Math.max(peakRss, memory.rss);
      const usage = process.resourceUsage();
      send({
        type: "stats",
        id: message.id,
        commands: options.commands(),
        peakRss,
        // Linux reports maxRSS in kilobytes.
        maxRss: usage.maxRSS * 1024,
        rss: memory.rss,
        heapUsed: memory.heapUsed,
        heapTotal: memory.heapTotal,
        external: memory.external,
        heapAfterGc: message.collectGarbage ? heapAfterFullGc() : null,
        cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
        systemCpuMs: usage.systemCPUTime / 1000,
      });
      if (message.resetPeak) peakRss = memory.rss;
    }
  });
  // The benchmark went away (finished, crashed or was killed): do not linger.
  process.on("disconnect", () => stopAndExit(0));
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => stopAndExit(0));

  return {
    send,
    fail(error) {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
      const message = error instanceof Error ? error.message : String(error);
      setTimeout(() => process.exit(1), 1000).unref();
      if (process.connected) process.send?.({ type: "failed", message }, () => process.exit(1));
      else process.exit(1);
    },
  };
}
