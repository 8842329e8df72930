import type { KnownBlock } from "@slack/types";
import { mrkdwn } from "./text.js";

/** What a builder returns: blocks plus the notification/fallback text Slack wants with them. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** A one-section message, e.g. an answer or an error. */
export function buildNotice(text: string): SlackMessage {
  return { text, blocks: [{ type: "section", text: mrkdwn(text) }] };
}
