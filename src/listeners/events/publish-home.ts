import type { WebClient } from "@slack/web-api";
import type { Role } from "../../auth/roles.js";
import { buildHome, buildNoAccessHome, homeLimits } from "../../blocks/home.js";
import type { Deps } from "../deps.js";

/** Gathers the dashboard's data (in parallel) and publishes the viewer's Home tab. */
export async function publishHome(
  deps: Deps,
  client: WebClient,
  viewerId: string,
  role: Role | null,
): Promise<void> {
  if (role === null) {
    await client.views.publish({ user_id: viewerId, view: buildNoAccessHome() });
    return;
  }
  const [pool, pending, myRequests, activity] = await Promise.all([
    deps.pool.status(),
    deps.approvals.listPending(homeLimits.pending),
    deps.approvals.recentFor(viewerId, homeLimits.myRequests),
    deps.audit.latest(homeLimits.activity),
  ]);
  await client.views.publish({
    user_id: viewerId,
    view: buildHome({ role, viewerId, pool, pending, myRequests, activity }, deps.config.currency),
  });
}
