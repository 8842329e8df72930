import { buildLinkedCustomerCard, buildLinkedCustomerGone } from "../../blocks/channel-links.js";
import { buildHelpMenu } from "../../blocks/help-menu.js";
import type { Deps } from "../deps.js";
import { type CommandArgs, reply } from "./command-context.js";

/**
 * `/customer` alone: in a linked channel, that customer's card (privately, like every answer);
 * elsewhere the menu, which `/customer help` shows everywhere.
 */
export async function bareCommand(deps: Deps, args: CommandArgs): Promise<void> {
  const linked = await deps.channelLinks.linkOf(args.command.channel_id);
  if (!linked) return reply(args, buildHelpMenu());
  if (!linked.customer) return reply(args, buildLinkedCustomerGone(linked.link.customerId));
  await reply(args, buildLinkedCustomerCard(linked.customer, deps.config.currency));
}
