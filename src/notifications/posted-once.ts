import type { WebClient } from "@slack/web-api";
import { noLinkPreviews, type SlackMessage } from "../blocks/message.js";
import type { Mrkdwn } from "../blocks/mrkdwn.js";
import type { Logger } from "../logging/logger.js";
import type { OutboxEntry, OutboxRepository } from "../outbox/outbox-repository.js";

export interface PostedMessage {
  channel: string;
  ts: string;
}

/** The message metadata type every outbox post carries, with its key in `event_payload.outbox_key`. */
export const outboxMetadataType = "customer_desk_outbox";

/** A post is looked for from this long before its attempt started (clocks differ a little). */
const lookBackMs = 60_000;
const historyPageSize = 200;
const historyPagesAtMost = 5;

/** Errors that mean the bot cannot read the conversation, so it cannot check before posting again. */
const cannotLook = new Set([
  "missing_scope",
  "not_in_channel",
  "channel_not_found",
  "not_allowed_token_type",
  // A reply's thread whose message was deleted.
  "thread_not_found",
]);

/**
 * Posts an outbox message exactly once. Before the post, the entries are marked "sending" with the
 * message's key; the post carries the key in its metadata. If an attempt ends without an answer (a
 * crash, a timeout) the entries are still "sending" at the next attempt, which first looks for a
 * message with that key in the conversation (`conversations.history` with metadata; for a reply,
 * `conversations.replies` of its thread) and, when it is there, records it instead of posting a
 * second one.
 */
export class PostedOnce {
  constructor(
    private readonly client: WebClient,
    private readonly outbox: OutboxRepository,
    private readonly logger: Logger,
  ) {}

  async post(
    entries: OutboxEntry[],
    channel: string,
    message: SlackMessage | { text: Mrkdwn },
    /** For a reply: the ts of the message whose thread it goes in. */
    threadTs?: string,
  ): Promise<PostedMessage> {
    const [first] = entries;
    if (!first) throw new Error("nothing to post");
    const key = first.sendingSince && first.batch ? first.batch : first.id;
    if (first.sendingSince) {
      const found = await this.find(channel, key, first.sendingSince, threadTs);
      if (found) return found;
    }
    await this.outbox.startSending(
      entries.map((entry) => entry.id),
      key,
    );
    const answer = await this.client.chat.postMessage({
      channel,
      text: message.text.toString(),
      ...("blocks" in message ? { blocks: message.blocks } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...noLinkPreviews,
      metadata: { event_type: outboxMetadataType, event_payload: { outbox_key: key } },
    });
    if (!answer.ts) throw new Error("Slack answered chat.postMessage without a ts");
    return { channel: answer.channel ?? channel, ts: answer.ts };
  }

  /** The message posted with `key` since about `since`, if the conversation (or thread) has it. */
  private async find(
    channel: string,
    key: string,
    since: Date,
    threadTs: string | undefined,
  ): Promise<PostedMessage | null> {
    try {
      const conversation = /^[UW]/.test(channel)
        ? ((await this.client.conversations.open({ users: channel })).channel?.id ?? channel)
        : channel;
      let cursor: string | undefined;
      for (let page = 0; page < historyPagesAtMost; page += 1) {
        const query = {
          channel: conversation,
          oldest: String((since.getTime() - lookBackMs) / 1000),
          include_all_metadata: true,
          limit: historyPageSize,
          ...(cursor ? { cursor } : {}),
        };
        // Replies are not in the channel's history, only in their thread's.
        const history = threadTs
          ? await this.client.conversations.replies({ ...query, ts: threadTs })
          : await this.client.conversations.history(query);
        const match = history.messages?.find(
          (message) =>
            message.metadata?.event_type === outboxMetadataType &&
            (message.metadata.event_payload as { outbox_key?: unknown } | undefined)?.outbox_key ===
              key,
        );
        if (match?.ts) return { channel: conversation, ts: match.ts };
        cursor = history.response_metadata?.next_cursor || undefined;
        if (!cursor) return null;
      }
      return null;
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      if (code && cannotLook.has(code)) {
        this.logger.warn(
          { err: error, channel, key },
          "cannot read the conversation to check whether an interrupted post landed; posting it (it may show twice)",
        );
        return null;
      }
      throw error;
    }
  }
}
