import type { Config } from "../config/env.js";
import type { Logger } from "../logging/logger.js";
import { highestRole, type Role, roles } from "./roles.js";

/** The one Web API call role resolution needs; a WebClient satisfies it. */
export interface UsergroupDirectory {
  usergroups: { users: { list(args: { usergroup: string }): Promise<{ users?: string[] }> } };
}

interface CachedGroup {
  members: Promise<Set<string>>;
  expiresAt: number;
}

/**
 * Works out a Slack user's role from the configured user IDs and user groups. Group membership comes
 * from `usergroups.users.list` and is cached briefly per group; a failed look-up is not cached.
 */
export class RoleResolver {
  private readonly groups = new Map<string, CachedGroup>();
  /** When each user group's members were last read successfully. */
  private readonly lastReadAt = new Map<string, number>();

  constructor(
    private readonly config: Config["roles"],
    private readonly directory: UsergroupDirectory,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async roleOf(userId: string): Promise<Role | null> {
    const direct = roles.filter((role) => this.config[role].userIds.includes(userId));
    const best = highestRole(direct);
    if (best === "admin") return best;
    const viaGroups = await Promise.all(
      roles.map(async (role) => {
        for (const groupId of this.config[role].usergroupIds) {
          if ((await this.membersOf(groupId)).has(userId)) return role;
        }
        return null;
      }),
    );
    return highestRole([...direct, ...viaGroups.filter((role): role is Role => role !== null)]);
  }

  /**
   * Seconds since the stalest user group's members were last read from Slack (so one group whose
   * look-ups keep failing shows), or undefined if none has been read yet.
   */
  secondsSinceRefresh(): number | undefined {
    if (this.lastReadAt.size === 0) return undefined;
    return (this.now() - Math.min(...this.lastReadAt.values())) / 1000;
  }

  private membersOf(groupId: string): Promise<Set<string>> {
    const cached = this.groups.get(groupId);
    if (cached && cached.expiresAt > this.now()) return cached.members;
    const members = this.directory.usergroups.users
      .list({ usergroup: groupId })
      .then((answer) => {
        this.lastReadAt.set(groupId, this.now());
        return new Set(answer.users ?? []);
      })
      .catch((error: unknown) => {
        this.groups.delete(groupId);
        this.logger.warn(
          { err: error, usergroup: groupId },
          "could not read user group members; treating as empty",
        );
        return new Set<string>();
      });
    this.groups.set(groupId, { members, expiresAt: this.now() + this.config.cacheTtlMs });
    return members;
  }
}
