import type { RespondFn } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { SlackMessage } from "../blocks/message.js";

export interface ReplyTarget {
  body: { response_url?: string; user?: { id?: string }; user_id?: string };
  respond?: RespondFn;
  client: WebClient;
}

/**
 * An answer Slack did not take (a failing or expired response_url, a refused DM). What the request did
 * before answering stands, so nobody may be told that something went wrong and to try again.
 */
export class AnswerUndelivered extends Error {
  override name = "AnswerUndelivered";
}

const responseUrlRetryDelayMs = 250;

/** Posts an answer to a response_url, once more after a short pause if Slack fails it (e.g. HTTP 500). */
async function deliverToResponseUrl(post: () => Promise<unknown>): Promise<void> {
  try {
    await post();
    return;
  } catch {
    await new Promise((resolve) => setTimeout(resolve, responseUrlRetryDelayMs));
  }
  try {
    await post();
  } catch (error) {
    throw new AnswerUndelivered("the response_url failed twice", { cause: error });
  }
}

/**
 * Answers only the person who asked: through the request's response_url (an ephemeral message, or a
 * replacement of the ephemeral message a button was on), or — for App Home, which has none — a DM.
 * Throws AnswerUndelivered when Slack does not take the answer.
 */
export async function replyPrivately(
  target: ReplyTarget,
  message: SlackMessage,
  options: { replaceOriginal?: boolean } = {},
): Promise<void> {
  const { respond } = target;
  if (respond && target.body.response_url) {
    await deliverToResponseUrl(() =>
      respond({
        response_type: "ephemeral",
        replace_original: options.replaceOriginal ?? false,
        text: message.text,
        blocks: message.blocks,
      }),
    );
    return;
  }
  const userId = target.body.user?.id ?? target.body.user_id;
  if (!userId) return;
  try {
    await target.client.chat.postMessage({
      channel: userId,
      text: message.text,
      blocks: message.blocks,
    });
  } catch (error) {
    throw new AnswerUndelivered("Slack refused the direct message", { cause: error });
  }
}

/** Answers through a response_url kept in a modal's metadata (view submissions have none of their own). */
export async function postToResponseUrl(
  responseUrl: string,
  message: SlackMessage,
  replaceOriginal = false,
): Promise<void> {
  const body = JSON.stringify({
    response_type: "ephemeral",
    replace_original: replaceOriginal,
    text: message.text,
    blocks: message.blocks,
  });
  await deliverToResponseUrl(async () => {
    const response = await fetch(responseUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`response_url answered HTTP ${response.status}`);
  });
}
