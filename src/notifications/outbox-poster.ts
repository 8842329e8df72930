import { type LeaseRepository, newLeaseHolder } from "../leases/lease-repository.js";
import type { Logger } from "../logging/logger.js";
import type { OutboxEntry, OutboxRepository } from "../outbox/outbox-repository.js";
import type { OwedKind } from "../outbox/owed.js";
import type { PostedMessage } from "./posted-once.js";
import { slackFailureOf } from "./slack-errors.js";

export interface OutboxTimings {
  /** Least time between two deliveries in one lane: Slack allows about one message per second per channel. */
  laneIntervalMs: number;
  /** How long a lane's lease lasts past its next send; a crashed instance's lanes are taken over after it. */
  leaseMs: number;
  /** How often every lane with something pending is looked for (others' entries, retries, takeovers). */
  scanMs: number;
  /** First retry after a failure; doubles per attempt up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** After this many failed attempts an entry is logged as an error (alert), and again every time after. */
  alertAfterAttempts: number;
  /** Lanes one instance delivers at once. */
  lanesAtOnce: number;
  /**
   * After an attempt Slack did not answer (a timeout, a dropped connection, a 5xx), the next one waits
   * at least this long: a post Slack was still working on lands before the next attempt looks for it.
   */
  unansweredRetryMs: number;
}

export const defaultOutboxTimings: OutboxTimings = {
  laneIntervalMs: 1000,
  leaseMs: 30_000,
  scanMs: 2_000,
  retryBaseMs: 1_000,
  retryMaxMs: 5 * 60_000,
  alertAfterAttempts: 5,
  lanesAtOnce: 8,
  unansweredRetryMs: 15_000,
};

/** The Slack side of the poster: which head entries go together, and how they reach Slack. */
export interface Deliveries {
  take(head: OutboxEntry[]): OutboxEntry[];
  deliver(entries: OutboxEntry[]): Promise<PostedMessage | undefined>;
}

/** How many head entries are read per delivery (enough for the largest batch). */
const headSize = 50;

/**
 * Delivers the outbox: each lane (one Slack conversation) by one instance at a time, under a lease
 * in MongoDB (`leases`, which also carries the lane's pause), oldest entry first, at most one delivery per `laneIntervalMs`, pausing the lane for a
 * 429's Retry-After and backing off after other failures, until each entry is delivered. New
 * entries are delivered as soon as their transaction commits (`kick`); a scan finds the rest.
 */
export class OutboxPoster {
  readonly holder = newLeaseHolder();
  private readonly running = new Map<string, { again: boolean }>();
  private readonly waiting = new Set<string>();
  private readonly sleeps = new Set<() => void>();
  private scanner: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly timings: OutboxTimings;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly leases: LeaseRepository,
    private readonly deliveries: Deliveries,
    private readonly logger: Logger,
    timings: Partial<OutboxTimings> = {},
    private readonly onDelivered: (kind: OwedKind, result: string) => void = () => {},
  ) {
    this.timings = { ...defaultOutboxTimings, ...timings };
    outbox.onEnqueued((lanes) => {
      for (const lane of lanes) this.kick(lane);
    });
  }

  start(): void {
    this.stopping = false;
    this.scanner = setInterval(() => void this.scan(), this.timings.scanMs);
    this.scanner.unref();
    void this.scan();
  }

  /** Stops delivering: lanes finish the delivery in hand and give up their lease. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.scanner);
    for (const wake of this.sleeps) wake();
    while (this.running.size > 0) await sleep(10);
  }

  /** Lanes being delivered by this instance right now. */
  get busyLanes(): number {
    return this.running.size;
  }

  /** Delivers `lane` now, or as soon as this instance is free to. */
  kick(lane: string): void {
    if (this.stopping) return;
    const state = this.running.get(lane);
    if (state) {
      state.again = true;
      return;
    }
    if (this.running.size >= this.timings.lanesAtOnce) {
      this.waiting.add(lane);
      return;
    }
    this.running.set(lane, { again: false });
    void this.run(lane);
  }

  /** Looks for every lane with something pending (other instances' entries, retries, crashed instances' lanes). */
  async scan(): Promise<void> {
    if (this.stopping) return;
    try {
      for (const lane of await this.outbox.lanesWithPending()) this.kick(lane);
    } catch (error) {
      this.logger.warn({ err: error }, "could not look for undelivered outbox entries");
    }
  }

  private async run(lane: string): Promise<void> {
    try {
      for (;;) {
        await this.deliverLane(lane);
        const state = this.running.get(lane);
        if (!state?.again || this.stopping) break;
        state.again = false;
      }
    } catch (error) {
      this.logger.warn(
        { err: error, lane },
        "outbox lane stopped; it is tried again at the next scan",
      );
    } finally {
      this.running.delete(lane);
      const [next] = this.waiting;
      if (next !== undefined) {
        this.waiting.delete(next);
        this.kick(next);
      }
    }
  }

  /** Holds the lane and delivers it until it is empty, paused for long, or lost. */
  private async deliverLane(lane: string): Promise<void> {
    const { leaseMs } = this.timings;
    const lease = leaseOf(lane);
    const claimed = await this.leases.claim(lease, this.holder, leaseMs, new Date());
    if (!claimed) return;
    let nextAt = claimed.notBefore.getTime();
    try {
      for (;;) {
        if (this.stopping) return;
        const wait = nextAt - Date.now();
        // A long pause (a backoff) is waited out without holding the lane; the scan comes back for it.
        if (wait > leaseMs / 2) return;
        if (wait > 0) await this.sleep(wait);
        if (this.stopping) return;
        // Kicks until now are for entries this read sees; one during or after it makes `run` look again.
        const state = this.running.get(lane);
        if (state) state.again = false;
        const head = await this.outbox.head(lane, headSize);
        const entries = this.deliveries.take(head);
        if (entries.length === 0) return;
        nextAt = await this.deliverEntries(lane, entries);
        const held = await this.leases.hold(lease, this.holder, {
          until: new Date(Math.max(nextAt, Date.now()) + leaseMs),
          notBefore: new Date(nextAt),
        });
        if (!held) return;
      }
    } finally {
      await this.leases.release(lease, this.holder).catch(() => {});
    }
  }

  /** One delivery; answers when the lane may send next. */
  private async deliverEntries(lane: string, entries: OutboxEntry[]): Promise<number> {
    const entryIds = entries.map((entry) => entry.id);
    const [first] = entries;
    const kind = first?.owed.kind ?? "approval.post";
    const paced = Date.now() + this.timings.laneIntervalMs;
    try {
      const message = await this.deliveries.deliver(entries);
      await this.outbox.delivered(entryIds, message);
      this.onDelivered(kind, "delivered");
      return paced;
    } catch (error) {
      const failure = slackFailureOf(error);
      const attempts = (first?.attempts ?? 0) + 1;
      const log = { err: error, lane, kind, entries: entryIds, attempts, reason: failure.reason };
      if (failure.permanent) {
        await this.outbox.failed(entryIds, failure.reason);
        this.onDelivered(kind, "failed");
        this.logger.error(log, "Slack refused an outbox message for good; it is kept as failed");
        return paced;
      }
      // An earlier attempt that may have posted still may have, whatever failed this time (the look
      // for its message, say): keep its key so that the next attempt looks again.
      const mayHavePosted = failure.maybeSent || first?.sendingSince !== undefined;
      await this.outbox.attemptFailed(entryIds, failure.reason, mayHavePosted);
      this.onDelivered(kind, failure.reason === "ratelimited" ? "ratelimited" : "retry");
      if (attempts >= this.timings.alertAfterAttempts)
        this.logger.error(log, "an outbox message is still not delivered; retrying");
      else this.logger.warn(log, "could not deliver an outbox message yet; retrying");
      if (failure.retryAfterMs !== undefined)
        return Math.max(paced, Date.now() + failure.retryAfterMs);
      const backoff = Math.min(
        this.timings.retryMaxMs,
        this.timings.retryBaseMs * 2 ** Math.min(attempts - 1, 20),
      );
      const settle = failure.maybeSent ? this.timings.unansweredRetryMs : 0;
      return Math.max(paced, Date.now() + Math.max(backoff, settle));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleeps.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleeps.add(wake);
    });
  }
}

/** The lease that makes one instance at a time deliver `lane`, and carries its pause. */
export function leaseOf(lane: string): string {
  return `outbox:${lane}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
