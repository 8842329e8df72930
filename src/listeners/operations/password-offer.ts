import type { Actor } from "../../auth/actor.js";
import type { SlackMessage } from "../../blocks/message.js";
import { buildPasswordOffer } from "../../blocks/password-messages.js";
import type { Deps } from "../deps.js";

/** A new password offer for a customer (nothing changes until Confirm). */
export async function offerPassword(
  deps: Deps,
  customerId: string,
  actor: Actor,
): Promise<SlackMessage> {
  return buildPasswordOffer(await deps.passwordResets.offer(customerId, actor));
}
