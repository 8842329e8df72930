import type { KnownBlock } from "@slack/types";
import { personRefPattern } from "../errors/app-error.js";
import { mrkdwn } from "./text.js";

/** What a builder returns: blocks plus the notification/fallback text Slack wants with them. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** What anyone without a role is told, wherever they reach the bot. */
export const noAccessMessage =
  "Sorry, you don't have access to the customer bot. Ask one of its admins to give you the support, manager or admin role.";

/** A one-section message, e.g. an answer or an error. */
export function buildNotice(text: string): SlackMessage {
  return { text, blocks: [{ type: "section", text: mrkdwn(text) }] };
}

/** A refusal or failure told to the user: the warning sign, and people named as mentions. */
export function buildErrorNotice(userMessage: string): SlackMessage {
  return buildNotice(`:warning: ${userMessage.replace(personRefPattern, "<@$1>")}`);
}
