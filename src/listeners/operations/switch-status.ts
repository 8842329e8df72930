import type { Actor } from "../../auth/actor.js";
import { buildChangeSummary } from "../../blocks/change-summary.js";
import type { SlackMessage } from "../../blocks/message.js";
import { md } from "../../blocks/mrkdwn.js";
import type { CustomerStatus } from "../../customers/customer.js";
import type { Deps } from "../deps.js";

/** Enable/disable one customer and describe what that means for their console login. */
export async function switchStatus(
  deps: Deps,
  customerId: string,
  status: CustomerStatus,
  actor: Actor,
): Promise<SlackMessage> {
  const change = await deps.lifecycle.setStatus(customerId, status, actor);
  const account = md`*${change.customer.account}*`;
  const headline =
    status === "on"
      ? md`:large_green_circle: ${account} is enabled: they can log in to the console.`
      : md`:red_circle: ${account} is disabled: they can no longer log in to the console.`;
  return buildChangeSummary({ ...change, headline, currency: deps.config.currency });
}
