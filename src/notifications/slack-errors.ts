import { ErrorCode } from "@slack/web-api";

/** What a failed Web API call means for the outbox. */
export interface SlackFailure {
  /** Short description for the entry and the log: Slack's error code, `ratelimited`, `http_500`, … */
  reason: string;
  /** Slack said to wait this long (a 429's Retry-After). */
  retryAfterMs?: number;
  /** Retrying cannot help: Slack refuses this message itself. */
  permanent: boolean;
  /** The message may have been posted all the same (no answer came: a timeout, a dropped connection, a 5xx). */
  maybeSent: boolean;
}

/**
 * Slack errors that no retry fixes, because they are about the message, not about Slack or the
 * channel's set-up. `channel_not_found` and `not_in_channel` are not among them: an operator fixes
 * those (invites the bot, corrects the channel ID) and the entry then goes through.
 */
const permanentErrors = new Set([
  "invalid_blocks",
  "invalid_blocks_format",
  "msg_too_long",
  "no_text",
  "invalid_arguments",
  "invalid_metadata_format",
  "invalid_metadata_schema",
  "message_not_found",
  "cant_update_message",
  "edit_window_closed",
  "user_not_found",
  "cannot_dm_bot",
  "user_disabled",
  "is_archived",
  // A reply whose thread's message was deleted.
  "thread_not_found",
]);

export function slackFailureOf(error: unknown): SlackFailure {
  const failure = error as {
    code?: string;
    retryAfter?: number;
    statusCode?: number;
    data?: { error?: string };
  };
  switch (failure.code) {
    case ErrorCode.RateLimitedError:
      return {
        reason: "ratelimited",
        retryAfterMs: Math.max(1, failure.retryAfter ?? 1) * 1000,
        permanent: false,
        maybeSent: false,
      };
    case ErrorCode.PlatformError: {
      const reason = failure.data?.error ?? "unknown_error";
      return { reason, permanent: permanentErrors.has(reason), maybeSent: false };
    }
    case ErrorCode.HTTPError:
      return {
        reason: `http_${failure.statusCode ?? "error"}`,
        permanent: false,
        maybeSent: (failure.statusCode ?? 500) >= 500,
      };
    default:
      return {
        reason: (error as Error).message?.slice(0, 200) || "request_failed",
        permanent: false,
        maybeSent: true,
      };
  }
}
