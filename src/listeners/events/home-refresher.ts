import type { Role } from "../../auth/roles.js";
import type { Logger } from "../../logging/logger.js";

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
 * and published once more.
 *
 * Refreshes after someone acts do not pile up: refreshes for the same person never overlap. One
 * asked for while another is running makes exactly one more run after it (which shows the latest
 * state); further asks meanwhile join that run. A manager approving ten requests in a row gets two
 * or three refreshes, not ten sets of dashboard queries. A failure is logged and never affects what
 * the person did.
 */
export class HomeRefresher {
  private readonly running = new Map<string, { again: boolean; role: Role | null }>();
  /** Per person, the hash of the Home Slack last showed them, as far as this instance knows. */
  private readonly hashes = new Map<string, string>();

  constructor(
    private readonly publish: Publish,
    private readonly logger: Logger,
  ) {}

  /** Publishes now (someone opened the tab); `currentHash` is the Home's hash Slack sent with the event. */
  async publishNow(viewerId: string, role: Role | null, currentHash?: string): Promise<void> {
    if (currentHash) this.hashes.set(viewerId, currentHash);
    await this.publishLatest(viewerId, role);
  }

  refresh(viewerId: string, role: Role | null): void {
    const state = this.running.get(viewerId);
    if (state) {
      state.again = true;
      state.role = role;
      return;
    }
    this.running.set(viewerId, { again: false, role });
    void this.run(viewerId, role);
  }

  /** People whose Home is being refreshed right now. */
  get busy(): number {
    return this.running.size;
  }

  private async publishLatest(viewerId: string, role: Role | null): Promise<void> {
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

  private async run(viewerId: string, firstRole: Role | null): Promise<void> {
    let role = firstRole;
    for (;;) {
      try {
        await this.publishLatest(viewerId, role);
      } catch (error) {
        this.logger.warn({ err: error, user: viewerId }, "could not refresh App Home");
      }
      const state = this.running.get(viewerId);
      if (!state?.again) {
        this.running.delete(viewerId);
        return;
      }
      state.again = false;
      role = state.role;
    }
  }
}
