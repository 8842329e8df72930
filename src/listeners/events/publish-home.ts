import type { WebClient } from "@slack/web-api";
import { can, type Role } from "../../auth/roles.js";
import { buildHome, buildNoAccessHome, homeLimits } from "../../blocks/home.js";
import type { Deps } from "../deps.js";

/**
 * Gathers the dashboard's data (in parallel) and publishes the viewer's Home tab. With `hash`, Slack
 * refuses (`hash_conflict`) if the Home changed since the view with that hash. Resolves with the
 * published view's hash.
 */
export async function publishHome(
  deps: Deps,
  client: WebClient,
  viewerId: string,
  role: Role | null,
  hash: string | undefined,
): Promise<string | undefined> {
  const view =
    role === null
      ? buildNoAccessHome()
      : buildHome(
          { role, viewerId, ...(await dashboardData(deps, viewerId, role)) },
          deps.config.currency,
        );
  const published = await client.views.publish({
    user_id: viewerId,
    view,
    ...(hash ? { hash } : {}),
  });
  return published.view?.hash;
}

async function dashboardData(deps: Deps, viewerId: string, role: Role) {
  const none = { approvals: [], total: 0 };
  const {
    decidable: decidableLimit,
    ownPending: ownLimit,
    activity: activityLimit,
    countCap,
  } = homeLimits;
  const [pool, decidable, ownPending, activity] = await Promise.all([
    deps.pool.status(),
    can(role, "approvals.decide")
      ? deps.approvals.decidableBy(viewerId, decidableLimit, countCap)
      : Promise.resolve(none),
    deps.approvals.pendingOf(viewerId, ownLimit, countCap),
    deps.audit.latest(activityLimit),
  ]);
  return { now: deps.now(), pool, decidable, ownPending, activity };
}
