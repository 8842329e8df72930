import type { RespondFn } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { SlackMessage } from "../blocks/message.js";

export interface ReplyTarget {
  body: { response_url?: string; user?: { id?: string }; user_id?: string };
  respond?: RespondFn;
  client: WebClient;
}

/**
 * Answers only the person who asked: through the request's response_url (an ephemeral message, or a
 * replacement of the ephemeral message a button was on), or — for App Home, which has none — a DM.
 */
export async function replyPrivately(
  target: ReplyTarget,
  message: SlackMessage,
  options: { replaceOriginal?: boolean } = {},
): Promise<void> {
  if (target.respond && target.body.response_url) {
    await target.respond({
      response_type: "ephemeral",
      replace_original: options.replaceOriginal ?? false,
      text: message.text,
      blocks: message.blocks,
    });
    return;
  }
  const userId = target.body.user?.id ?? target.body.user_id;
  if (userId)
    await target.client.chat.postMessage({
      channel: userId,
      text: message.text,
      blocks: message.blocks,
    });
}

/** Answers through a response_url kept in a modal's metadata (view submissions have none of their own). */
export async function postToResponseUrl(
  responseUrl: string,
  message: SlackMessage,
  replaceOriginal = false,
): Promise<void> {
  const response = await fetch(responseUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      response_type: "ephemeral",
      replace_original: replaceOriginal,
      text: message.text,
      blocks: message.blocks,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`response_url answered HTTP ${response.status}`);
}
