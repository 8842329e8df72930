import { type LeaseRepository, newLeaseHolder } from "../leases/lease-repository.js";
import type { Logger } from "../logging/logger.js";

/** What the refresher reads: the configured groups, and a read from Slack into the store. */
export interface UsergroupReader {
  readonly usergroupIds: readonly string[];
  readGroup(groupId: string): Promise<boolean>;
}

export interface UsergroupRefresherOptions {
  /** Time between rounds (production: ROLE_CACHE_TTL / 2). */
  intervalMs: number;
  /** How long a round's lease lasts unless renewed (production: ROLE_CACHE_TTL). */
  leaseMs: number;
  /** This instance's name in the lease; unique per instance by default. */
  holder?: string;
  now?: () => Date;
}

export const usergroupRefreshLease = "usergroup-refresher";

/**
 * Keeps the stored user group members current: every `intervalMs`, the one instance holding the
 * `usergroup-refresher` lease reads each configured group from Slack and stores it (a failed read
 * keeps the stored members). The others skip the round, so Slack sees one set of calls per round
 * however many instances run; if the holder stops or dies, another takes over once the lease ends.
 */
export class UsergroupRefresher {
  readonly holder: string;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;
  private readonly now: () => Date;

  constructor(
    private readonly reader: UsergroupReader,
    private readonly leases: LeaseRepository,
    private readonly logger: Logger,
    private readonly options: UsergroupRefresherOptions,
  ) {
    this.holder = options.holder ?? newLeaseHolder();
    this.now = options.now ?? (() => new Date());
  }

  /** Runs a round now and then every `intervalMs`, until `stop()`. */
  start(): void {
    if (this.reader.usergroupIds.length === 0 || this.timer) return;
    this.stopped = false;
    void this.refreshNow();
    this.timer = setInterval(() => void this.refreshNow(), this.options.intervalMs);
    this.timer.unref();
  }

  /**
   * One round: takes (or renews) the lease and, if this instance holds it, reads every group.
   * Resolves with whether it held the lease; a round still running makes this one a no-op (false).
   */
  async refreshNow(): Promise<boolean> {
    if (this.running || this.stopped) return false;
    this.running = true;
    try {
      const held = await this.leases.acquire(
        usergroupRefreshLease,
        this.holder,
        this.options.leaseMs,
        this.now(),
      );
      if (!held) return false;
      // One group after the other: Slack rate-limits usergroups.users.list per workspace.
      for (const groupId of this.reader.usergroupIds) {
        if (this.stopped) break;
        await this.reader.readGroup(groupId);
      }
      return true;
    } catch (error) {
      this.logger.warn({ err: error }, "user group refresh round failed; will try again");
      return false;
    } finally {
      this.running = false;
    }
  }

  /** Stops the rounds and gives the lease up, so another instance takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.leases
      .release(usergroupRefreshLease, this.holder)
      .catch((error: unknown) =>
        this.logger.warn({ err: error }, "could not release the user group refresher's lease"),
      );
  }
}
