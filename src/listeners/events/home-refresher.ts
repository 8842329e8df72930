import type { Role } from "../../auth/roles.js";
import type { Logger } from "../../logging/logger.js";

type Publish = (viewerId: string, role: Role | null) => Promise<void>;

/**
 * Refreshes a person's App Home after they act, without piling up: refreshes for the same person never
 * overlap. One asked for while another is running makes exactly one more run after it (which shows
 * the latest state); further asks meanwhile join that run. A manager approving ten requests in a row
 * gets two or three refreshes, not ten sets of dashboard queries. A failure is logged and never
 * affects what the person did.
 */
export class HomeRefresher {
  private readonly running = new Map<string, { again: boolean; role: Role | null }>();

  constructor(
    private readonly publish: Publish,
    private readonly logger: Logger,
  ) {}

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

  private async run(viewerId: string, firstRole: Role | null): Promise<void> {
    let role = firstRole;
    for (;;) {
      try {
        await this.publish(viewerId, role);
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
