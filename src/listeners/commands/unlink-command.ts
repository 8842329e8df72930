import { buildUnlinkResult } from "../../blocks/channel-links.js";
import { actorOf } from "../actor.js";
import type { Deps } from "../deps.js";
import { type CommandArgs, reply } from "./command-context.js";

/** `/customer unlink` (support and up): removes the link of the channel it was typed in. */
export async function unlinkCommand(deps: Deps, args: CommandArgs): Promise<void> {
  const channelId = args.command.channel_id;
  const removed = await deps.channelLinks.unlink(channelId, actorOf(args.context));
  await reply(args, buildUnlinkResult(channelId, removed));
}
