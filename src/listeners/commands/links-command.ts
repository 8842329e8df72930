import { buildLinkedChannels } from "../../blocks/channel-links.js";
import type { Deps } from "../deps.js";
import { type CommandArgs, reply } from "./command-context.js";

/** `/customer links`: the most recently linked channels and their customers. */
export async function linksCommand(deps: Deps, args: CommandArgs): Promise<void> {
  await reply(args, buildLinkedChannels(await deps.channelLinks.newest()));
}
