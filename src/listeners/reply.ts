import type { WebClient } from "@slack/web-api";
import { Agent, request } from "undici";
import { messagePayload, type SlackMessage } from "../blocks/message.js";

export interface ReplyTarget {
  body: { response_url?: string; user?: { id?: string }; user_id?: string };
  client: WebClient;
}

/**
 * One keep-alive connection pool per origin for every response_url post: undici's `request` costs a
 * fifth of `fetch`'s CPU per post, and reusing connections saves a TLS handshake per answer.
 */
const responseUrlAgent = new Agent({
  keepAliveTimeout: 30_000,
  headersTimeout: 10_000,
  bodyTimeout: 10_000,
});

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
  if (target.body.response_url) {
    await postToResponseUrl(target.body.response_url, message, options.replaceOriginal ?? false);
    return;
  }
  const userId = target.body.user?.id ?? target.body.user_id;
  if (!userId) return;
  try {
    await target.client.chat.postMessage({ channel: userId, ...messagePayload(message) });
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
    ...messagePayload(message),
  });
  await deliverToResponseUrl(async () => {
    const response = await request(responseUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      dispatcher: responseUrlAgent,
    });
    await response.body.dump();
    if (response.statusCode < 200 || response.statusCode > 299)
      throw new Error(`response_url answered HTTP ${response.statusCode}`);
  });
}
