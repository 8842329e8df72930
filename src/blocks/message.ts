import type { KnownBlock } from "@slack/types";
import { personRefPattern } from "../errors/app-error.js";
import { joinMd, type Mrkdwn, md, mention } from "./mrkdwn.js";
import { mrkdwn } from "./text.js";

/** What a builder returns: blocks plus the notification/fallback text Slack wants with them. */
export interface SlackMessage {
  text: Mrkdwn;
  blocks: KnownBlock[];
}

/**
 * What every message the bot posts or updates carries: no link or media previews, so a customer's
 * console link or ID in a channel never expands into a preview (money stays private).
 */
export const noLinkPreviews = { unfurl_links: false, unfurl_media: false } as const;

/** A message as the Web API and response_url take it (chat.postMessage, chat.update, response_url). */
export function messagePayload(message: SlackMessage): {
  text: string;
  blocks: KnownBlock[];
  unfurl_links: false;
  unfurl_media: false;
} {
  return { text: message.text.toString(), blocks: message.blocks, ...noLinkPreviews };
}

/** What anyone without a role is told, wherever they reach the bot. */
export const noAccessMessage = md`Sorry, you don't have access to the customer bot. Ask one of its admins to give you the support, manager or admin role.`;

/** A one-section message, e.g. an answer or an error. */
export function buildNotice(text: Mrkdwn): SlackMessage {
  return { text, blocks: [{ type: "section", text: mrkdwn(text) }] };
}

/**
 * A user-safe message (an AppError's, which may hold accounts and other data) as mrkdwn: escaped, on
 * one line, with the people it names (`personRef`) as mentions.
 */
export function userMessageMrkdwn(userMessage: string): Mrkdwn {
  const parts = userMessage.split(personRefPattern);
  return joinMd(
    parts.map((part, index) => (index % 2 === 1 ? mention(part) : part)),
    md``,
  );
}

/** A refusal or failure told to the user: the warning sign, and people named as mentions. */
export function buildErrorNotice(userMessage: string): SlackMessage {
  return buildNotice(md`:warning: ${userMessageMrkdwn(userMessage)}`);
}
