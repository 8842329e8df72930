import type { Config } from "../config/env.js";
import { AppError } from "../errors/app-error.js";
import type { Logger } from "../logging/logger.js";
import { highestRole, type Role, roles } from "./roles.js";
import type {
  StoredMembership,
  UsergroupMembershipRepository,
} from "./usergroup-membership-repository.js";

/** The one Web API call role resolution needs; a WebClient satisfies it. */
export interface UsergroupDirectory {
  usergroups: { users: { list(args: { usergroup: string }): Promise<{ users?: string[] }> } };
}

/** Told to someone whose role depends on a user group not read from Slack yet (e.g. on first start). */
export const accessBeingCheckedMessage =
  "Your access is still being checked with Slack — try again in a moment.";

/** Thrown by `roleOf` when the role cannot be known yet: not a refusal, the person should try again. */
export class RoleNotKnownYet extends AppError {
  constructor() {
    super("unavailable", accessBeingCheckedMessage);
  }
}

export interface RoleResolverOptions {
  now?: () => number;
  /** How long stored memberships read from MongoDB are reused, so a burst costs one read. */
  memoryCacheMs?: number;
  /**
   * How long a request may wait for the first Slack read of a group never stored, and for a MongoDB
   * read of the stored groups when it has no usable copy of them.
   */
  firstLookupMs?: number;
  /**
   * Past `memoryCacheMs`, how long the last copy read from MongoDB still answers while a fresh read
   * runs, so a slow or blocked database never holds up an ack.
   */
  staleCopyMs?: number;
}

const defaultMemoryCacheMs = 3_000;
const defaultFirstLookupMs = 1_000;
const defaultStaleCopyMs = 60_000;

/** The stored groups as last read from MongoDB, and when that read began. */
interface Copy {
  memberships: Map<string, StoredMembership>;
  readAt: number;
}

/**
 * Works out a Slack user's role from the configured user IDs and user groups. Group members come
 * from MongoDB (`usergroup_members`, shared by every instance), kept current by the refresher and
 * by Slack's user group events; requests never call Slack, except once, bounded, for a group that
 * was never stored.
 */
export class RoleResolver {
  readonly usergroupIds: readonly string[];
  /** The last copy read; unusable once invalidated (a change from Slack must be seen at once). */
  private copy: (Copy & { usable: boolean }) | undefined;
  /** The MongoDB read under way, so a burst makes one; `generation` drops reads begun before a change. */
  private refreshing: Promise<Map<string, StoredMembership>> | undefined;
  private generation = 0;
  /** Slack reads under way, per group, so a burst on a cold group makes one call. */
  private readonly reading = new Map<string, Promise<boolean>>();
  private readonly now: () => number;
  private readonly memoryCacheMs: number;
  private readonly firstLookupMs: number;
  private readonly staleCopyMs: number;

  constructor(
    private readonly config: Config["roles"],
    private readonly store: UsergroupMembershipRepository,
    private readonly directory: UsergroupDirectory,
    private readonly logger: Logger,
    options: RoleResolverOptions = {},
  ) {
    this.usergroupIds = [...new Set(roles.flatMap((role) => config[role].usergroupIds))];
    this.now = options.now ?? Date.now;
    this.memoryCacheMs = options.memoryCacheMs ?? defaultMemoryCacheMs;
    this.firstLookupMs = options.firstLookupMs ?? defaultFirstLookupMs;
    this.staleCopyMs = options.staleCopyMs ?? defaultStaleCopyMs;
  }

  /** The highest role `userId` holds, null for none; throws RoleNotKnownYet when it cannot tell yet. */
  async roleOf(userId: string): Promise<Role | null> {
    const direct = highestRole(roles.filter((role) => this.config[role].userIds.includes(userId)));
    if (direct === "admin" || this.usergroupIds.length === 0) return direct;
    let stored = await this.memberships();
    let best = this.withGroups(direct, userId, stored);
    // Groups never stored matter only if they could give more than what is known already.
    const missing = this.groupsAbove(best).filter((groupId) => !stored.has(groupId));
    if (missing.length === 0) return best;
    if (!(await this.firstReads(missing))) throw new RoleNotKnownYet();
    stored = await this.memberships();
    best = this.withGroups(direct, userId, stored);
    if (this.groupsAbove(best).some((groupId) => !stored.has(groupId))) throw new RoleNotKnownYet();
    return best;
  }

  /**
   * Seconds since the stalest stored user group was last read in full (from Slack, or a full list
   * in an event), or undefined if none is stored.
   */
  async secondsSinceRefresh(): Promise<number | undefined> {
    if (this.usergroupIds.length === 0) return undefined;
    const stored = [...(await this.refresh()).values()];
    if (stored.length === 0) return undefined;
    const stalest = Math.min(...stored.map((membership) => membership.readAt.getTime()));
    return (this.now() - stalest) / 1000;
  }

  /**
   * Reads a group's members from Slack and stores them; a failure is logged and keeps what is
   * stored. Resolves with whether the read succeeded.
   */
  readGroup(groupId: string): Promise<boolean> {
    const running = this.reading.get(groupId);
    if (running) return running;
    const read = this.readAndStore(groupId).finally(() => this.reading.delete(groupId));
    this.reading.set(groupId, read);
    return read;
  }

  /** Slack said users joined or left a group (`subteam_members_changed`). */
  async membersChanged(
    groupId: string,
    change: { added: readonly string[]; removed: readonly string[] },
  ): Promise<void> {
    if (!this.usergroupIds.includes(groupId)) return;
    const applied = await this.store.applyChange(groupId, change, new Date(this.now()));
    this.invalidate();
    // A change alone is not the whole membership of a group never stored.
    if (!applied) await this.readGroup(groupId);
  }

  /** Slack said a group changed (`subteam_updated`), with its full member list when it sent one. */
  async groupUpdated(groupId: string, members: readonly string[] | undefined): Promise<void> {
    if (!this.usergroupIds.includes(groupId)) return;
    if (members === undefined) {
      await this.readGroup(groupId);
      return;
    }
    await this.store.replaceMembers(groupId, members, new Date(this.now()));
    this.invalidate();
  }

  private withGroups(
    direct: Role | null,
    userId: string,
    stored: Map<string, StoredMembership>,
  ): Role | null {
    const viaGroups = roles.filter((role) =>
      this.config[role].usergroupIds.some((groupId) => stored.get(groupId)?.members.has(userId)),
    );
    return highestRole([...(direct ? [direct] : []), ...viaGroups]);
  }

  /** The configured groups of roles above `best`. */
  private groupsAbove(best: Role | null): string[] {
    const higher = roles.filter(
      (role) => role !== best && highestRole([role, best ?? role]) === role,
    );
    return higher.flatMap((role) => this.config[role].usergroupIds);
  }

  /** Waits up to `firstLookupMs` for these groups' first reads; the reads go on (and store) regardless. */
  private async firstReads(groupIds: string[]): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.firstLookupMs);
    });
    const reads = Promise.all(groupIds.map((groupId) => this.readGroup(groupId))).then((done) =>
      done.every(Boolean),
    );
    try {
      return await Promise.race([reads, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The stored groups: the copy read less than `memoryCacheMs` ago; past that, still the copy (for up
   * to `staleCopyMs`) while a fresh read runs in the background; with no usable copy (first use, or a
   * change from Slack since), the fresh read — waited for at most `firstLookupMs`, then the person is
   * asked to try again. Nothing on the way to an ack waits on MongoDB unbounded.
   */
  private async memberships(): Promise<Map<string, StoredMembership>> {
    const copy = this.copy?.usable ? this.copy : undefined;
    const age = copy ? this.now() - copy.readAt : Number.POSITIVE_INFINITY;
    if (copy && age < this.memoryCacheMs) return copy.memberships;
    const read = this.refresh();
    if (copy && age < this.staleCopyMs) {
      read.catch((error: unknown) =>
        this.logger.warn(
          { err: error },
          "could not read the stored user groups; using the last copy",
        ),
      );
      return copy.memberships;
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RoleNotKnownYet()), this.firstLookupMs);
    });
    try {
      return await Promise.race([read, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Reads the stored groups from MongoDB (one read at a time) and keeps the copy. */
  private refresh(): Promise<Map<string, StoredMembership>> {
    if (this.refreshing) return this.refreshing;
    const generation = this.generation;
    const readAt = this.now();
    const read = this.store
      .findMany(this.usergroupIds)
      .then((found) => {
        const memberships = new Map(found.map((membership) => [membership.groupId, membership]));
        if (generation === this.generation) this.copy = { memberships, readAt, usable: true };
        return memberships;
      })
      .finally(() => {
        if (this.refreshing === read) this.refreshing = undefined;
      });
    this.refreshing = read;
    return read;
  }

  private invalidate(): void {
    this.generation += 1;
    this.refreshing = undefined;
    if (this.copy) this.copy.usable = false;
  }

  private async readAndStore(groupId: string): Promise<boolean> {
    const startedAt = new Date(this.now());
    try {
      const answer = await this.directory.usergroups.users.list({ usergroup: groupId });
      await this.store.storeRead(groupId, answer.users ?? [], startedAt);
      this.invalidate();
      return true;
    } catch (error) {
      this.logger.warn(
        { err: error, usergroup: groupId },
        "could not read user group members from Slack; keeping the stored ones",
      );
      return false;
    }
  }
}
