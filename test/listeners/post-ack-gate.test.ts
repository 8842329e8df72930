import { describe, expect, it, vi } from "vitest";
import { PostAckGate } from "../../src/listeners/post-ack-gate.js";

/** A job that runs until the test releases it. */
function heldJob(log: string[], name: string) {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    release: () => release(),
    work: async () => {
      log.push(`start ${name}`);
      await held;
      log.push(`end ${name}`);
      return name;
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("PostAckGate", () => {
  it("runs every job at once while the loop keeps up (slow Slack calls never queue)", async () => {
    const gate = new PostAckGate({ sampleEveryMs: 0, maxLimit: 256 });
    const log: string[] = [];
    const jobs = Array.from({ length: 100 }, (_, i) => heldJob(log, String(i)));
    const results = jobs.map((job) => gate.run(job.work));
    await settle();
    expect(gate.active).toBe(100);
    expect(gate.queued).toBe(0);
    for (const job of jobs) job.release();
    expect(await Promise.all(results)).toEqual(jobs.map((_, i) => String(i)));
    expect(gate.active).toBe(0);
  });

  it("holds new jobs back when the loop lags behind its own work, then lets them through in arrival order", async () => {
    const gate = new PostAckGate({ sampleEveryMs: 0, minLimit: 2, lagThresholdMs: 8 });
    const log: string[] = [];
    const early = Array.from({ length: 8 }, (_, i) => heldJob(log, `early${i}`));
    const earlyRuns = early.map((job) => gate.run(job.work));
    await settle();
    gate.observe({ lagMs: 30, busy: 1 });
    expect(gate.limit).toBe(4); // half of the 8 running
    gate.observe({ lagMs: 30, busy: 1 });
    expect(gate.limit).toBe(2); // never below the floor
    const late = Array.from({ length: 3 }, (_, i) => heldJob(log, `late${i}`));
    const lateRuns = late.map((job) => gate.run(job.work));
    await settle();
    expect(gate.queued).toBe(3);
    expect(log.filter((line) => line.startsWith("start late"))).toEqual([]);

    // Running jobs finish; the queue still waits until fewer than the limit run.
    for (const job of early.slice(0, 6)) job.release();
    await settle();
    expect(log.filter((line) => line.startsWith("start late"))).toEqual([]);
    early[6]?.release();
    await settle();
    expect(log.filter((line) => line.startsWith("start late"))).toEqual(["start late0"]);

    // The loop keeps up again: the limit grows by one per sample and the queue drains in order.
    gate.observe({ lagMs: 0, busy: 0.5 });
    gate.observe({ lagMs: 0, busy: 0.5 });
    await settle();
    expect(log.filter((line) => line.startsWith("start late"))).toEqual([
      "start late0",
      "start late1",
      "start late2",
    ]);
    for (const job of [...early, ...late]) job.release();
    await Promise.all([...earlyRuns, ...lateRuns]);
    expect(gate.active).toBe(0);
    expect(gate.queued).toBe(0);
  });

  it("holds nothing back when a timer fired late but the loop mostly waited (descheduled, not saturated)", async () => {
    const gate = new PostAckGate({ sampleEveryMs: 0, minLimit: 2, lagThresholdMs: 8 });
    const log: string[] = [];
    const jobs = Array.from({ length: 40 }, (_, i) => heldJob(log, String(i)));
    const runs = jobs.map((job) => gate.run(job.work));
    await settle();
    gate.observe({ lagMs: 30, busy: 0.6 });
    gate.observe({ lagMs: 50, busy: 0.3 });
    const late = heldJob(log, "late");
    const lateRun = gate.run(late.work);
    await settle();
    expect(gate.limit).toBe(256);
    expect(gate.queued).toBe(0);
    expect(log).toContain("start late");
    // The same lag while the loop was busy running callbacks does hold new jobs back.
    gate.observe({ lagMs: 30, busy: 0.95 });
    expect(gate.limit).toBe(20);
    for (const job of [...jobs, late]) job.release();
    await Promise.all([...runs, lateRun]);
    expect(gate.active).toBe(0);
  });

  it("passes a job's error on and frees its place", async () => {
    const gate = new PostAckGate({ sampleEveryMs: 0, minLimit: 1, maxLimit: 1 });
    const failing = gate.run(async () => {
      throw new Error("boom");
    });
    const next = gate.run(async () => "ran");
    await expect(failing).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ran");
    expect(gate.active).toBe(0);
  });

  it("measures the lag itself and lifts the limit once everything has run", async () => {
    const gate = new PostAckGate({ sampleEveryMs: 5, minLimit: 1, lagThresholdMs: 8 });
    const log: string[] = [];
    const jobs = Array.from({ length: 4 }, (_, i) => heldJob(log, String(i)));
    const runs = jobs.map((job) => gate.run(job.work));
    await new Promise((resolve) => setTimeout(resolve, 12));
    const blockedUntil = Date.now() + 40;
    while (Date.now() < blockedUntil) {
      // a saturated event loop
    }
    // The overdue sample runs before this later timer.
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(gate.limit).toBeLessThan(4);
    for (const job of jobs) job.release();
    await Promise.all(runs);
    await vi.waitFor(() => expect(gate.limit).toBe(256));
  });
});
