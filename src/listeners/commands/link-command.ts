import { buildLinkResult } from "../../blocks/channel-links.js";
import type { Conversation } from "../../channels/channel-links.js";
import { actorOf } from "../actor.js";
import type { Deps } from "../deps.js";
import { type CommandArgs, oneCustomer, reply } from "./command-context.js";

/** Public and private channels; direct messages are `D…`, group DMs are named `mpdm-…`. */
const channelIdPattern = /^[CG][A-Z0-9]{2,}$/;

/** Where the command was typed, as Slack's payload says: a channel, or a (group) direct message. */
export function conversationOf(args: CommandArgs): Conversation {
  const { channel_id: channelId } = args.command;
  // Typed as always there, but a payload is data: a missing name must not throw.
  const channelName: string = args.command.channel_name ?? "";
  const direct = channelName === "directmessage" || channelName.startsWith("mpdm-");
  return { channelId, isChannel: channelIdPattern.test(channelId) && !direct };
}

/** `/customer link REF` (support and up): links the channel it was typed in to one customer. */
export async function linkCommand(deps: Deps, args: CommandArgs, ref: string): Promise<void> {
  const conversation = conversationOf(args);
  const actor = actorOf(args.context);
  await deps.channelLinks.assertMayLink(conversation, actor);
  const customer = await oneCustomer(deps, args, ref);
  if (!customer) return;
  const outcome = await deps.channelLinks.link(conversation, customer, actor);
  await reply(args, buildLinkResult(conversation.channelId, outcome));
}
