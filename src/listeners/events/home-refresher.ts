import type { Role } from "../../auth/roles.js";

/** Renders and publishes a Home; `hash` makes Slack refuse it if the Home changed since. Resolves with the new hash. */
type Publish = (
  viewerId: string,
  role: Role | null,
  hash: string | undefined,
) => Promise<string | undefined>;

function isHashConflict(error: unknown): boolean {
  return (error as { data?: { error?: string } }).data?.error === "hash_conflict";
}

/**
 * Publishes people's App Home so that an older render never overwrites a newer one: each publish
 * passes the hash of the Home it expects to replace; when Slack answers `hash_conflict` (another
 * publish, from here or another instance, landed first), the Home is rendered again from fresh data
 * and published once more. Refreshes after someone acts come through the outbox (one lane per
 * person, so they never overlap and a burst collapses into one publish); a failure is thrown to the
 * caller.
 */
export class HomeRefresher {
  /** Per person, the hash of the Home Slack last showed them, as far as this instance knows. */
  private readonly hashes = new Map<string, string>();

  constructor(private readonly publish: Publish) {}

  /** Publishes now; `currentHash` is the Home's hash Slack sent with `app_home_opened`. */
  async publishNow(viewerId: string, role: Role | null, currentHash?: string): Promise<void> {
    if (currentHash) this.hashes.set(viewerId, currentHash);
    try {
      this.remember(viewerId, await this.publish(viewerId, role, this.hashes.get(viewerId)));
    } catch (error) {
      if (!isHashConflict(error)) throw error;
      // A newer Home landed after this render read its data. Data read now is at least as new as
      // that Home's, so this render may replace it whatever its hash.
      this.hashes.delete(viewerId);
      this.remember(viewerId, await this.publish(viewerId, role, undefined));
    }
  }

  private remember(viewerId: string, hash: string | undefined): void {
    if (hash) this.hashes.set(viewerId, hash);
  }
}
