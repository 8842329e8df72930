import type { Actor } from "../../auth/actor.js";
import { buildInviteLink, buildInviteList } from "../../blocks/invite-messages.js";
import type { SlackMessage } from "../../blocks/message.js";
import type { Deps } from "../deps.js";

export async function createInvite(
  deps: Deps,
  email: string | null,
  actor: Actor,
): Promise<SlackMessage> {
  return buildInviteLink(await deps.invites.create(email, actor));
}

export async function listInvites(deps: Deps): Promise<SlackMessage> {
  return buildInviteList(await deps.invites.listOpen());
}
