import { buildNotice, type SlackMessage } from "../blocks/message.js";

/** The honest answer for an operation whose flow is not built yet. */
export function notYetAvailable(operation: string): SlackMessage {
  return buildNotice(
    `:hourglass_flowing_sand: *${operation}* is not available in the bot yet; it comes in an upcoming release. Nothing was changed.`,
  );
}
