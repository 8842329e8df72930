import { type EventLoopUtilization, performance } from "node:perf_hooks";

/**
 * Keeps acks fast when the process is saturated. Work that runs after a request was acked (the
 * database, the answer to Slack) goes through `run`. While the event loop keeps up, everything runs
 * at once (work waiting on Slack or MongoDB costs nothing). When the loop falls behind — a timer
 * fires late *and* the loop was busy running our own callbacks for most of that time — the number of
 * such jobs running together is halved down to a floor and the rest wait their turn (first come,
 * first served), so a new request's ack is not queued behind every other request's work; the limit
 * grows back by one per sample while the loop keeps up. A late timer in a loop that mostly waited
 * (the process was descheduled by others on a shared machine, or a GC pause) holds nothing back:
 * fewer jobs at once would not make the loop any faster, only the answers slower. Slack retries a
 * request it does not see acked within 3 s; an answer that comes a little later is harmless.
 */
export interface PostAckGateOptions {
  /** Jobs always allowed together, however busy the loop (default 4). */
  minLimit?: number;
  /** Jobs allowed together when the loop keeps up (default 256). */
  maxLimit?: number;
  /** Event-loop lag above which the loop counts as behind (default 8 ms). */
  lagThresholdMs?: number;
  /** Share of a sample's time the loop must have spent running callbacks to count as behind (default 0.9). */
  busyThreshold?: number;
  /** How often the lag is sampled while jobs run (default 10 ms; 0 = never, for tests). */
  sampleEveryMs?: number;
}

/** One sample of the event loop: how late the sampler's timer fired, and how busy the loop was since the last one (0–1). */
export interface LoopSample {
  lagMs: number;
  busy: number;
}

export class PostAckGate {
  private readonly minLimit: number;
  private readonly maxLimit: number;
  private readonly lagThresholdMs: number;
  private readonly busyThreshold: number;
  private readonly sampleEveryMs: number;
  private currentLimit: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private sampler: NodeJS.Timeout | undefined;
  private lastTick = 0;
  private lastUtilization: EventLoopUtilization | undefined;

  constructor(options: PostAckGateOptions = {}) {
    this.minLimit = options.minLimit ?? 4;
    this.maxLimit = options.maxLimit ?? 256;
    this.lagThresholdMs = options.lagThresholdMs ?? 8;
    this.busyThreshold = options.busyThreshold ?? 0.9;
    this.sampleEveryMs = options.sampleEveryMs ?? 10;
    this.currentLimit = this.maxLimit;
  }

  /** How many jobs may run together right now. */
  get limit(): number {
    return this.currentLimit;
  }

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `work` now, or once a place is free; its result or error is passed on unchanged. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.currentLimit || this.waiting.length > 0)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    this.startSampling();
    try {
      return await work();
    } finally {
      this.running--;
      this.admit();
    }
  }

  /** Feeds one sample of the loop (the sampler takes one every `sampleEveryMs`). */
  observe(sample: LoopSample): void {
    if (sample.lagMs > this.lagThresholdMs && sample.busy >= this.busyThreshold) {
      const inUse = Math.min(this.currentLimit, this.running);
      this.currentLimit = Math.max(this.minLimit, Math.floor(inUse / 2));
    } else if (this.currentLimit < this.maxLimit) {
      this.currentLimit++;
      this.admit();
    }
  }

  /** Starts queued jobs while there is room; a started job counts as running before it resumes. */
  private admit(): void {
    while (this.running < this.currentLimit && this.waiting.length > 0) {
      this.running++;
      this.waiting.shift()?.();
    }
  }

  private startSampling(): void {
    if (this.sampler || this.sampleEveryMs <= 0) return;
    this.lastTick = performance.now();
    this.lastUtilization = performance.eventLoopUtilization();
    this.sampler = setInterval(() => {
      const now = performance.now();
      const utilization = performance.eventLoopUtilization();
      this.observe({
        lagMs: now - this.lastTick - this.sampleEveryMs,
        busy: performance.eventLoopUtilization(utilization, this.lastUtilization).utilization,
      });
      this.lastTick = now;
      this.lastUtilization = utilization;
      if (this.running === 0 && this.waiting.length === 0) {
        // Nothing left to run: the loop has caught up, so the next burst starts unlimited.
        clearInterval(this.sampler);
        this.sampler = undefined;
        this.currentLimit = this.maxLimit;
      }
    }, this.sampleEveryMs);
    this.sampler.unref();
  }
}
