import type { Context } from "@slack/bolt";
import { buildErrorNotice } from "../blocks/message.js";
import { isUnexpected, userMessageFor } from "../errors/user-message.js";
import { AnswerUndelivered, type ReplyTarget, replyPrivately } from "./reply.js";
import { type RequestScope, scopeOf } from "./request-scope.js";

/**
 * Runs a listener's work and turns any error into one ephemeral answer: an AppError's own message, or
 * "something went wrong (ref: …)" with the details only in the log. The one place errors meet users.
 * An answer Slack would not take is only logged: the work before it is done. Listeners call it after
 * their ack, so the work goes through the request's post-ack gate.
 */
export async function answerErrors(
  args: ReplyTarget & { context: Context },
  work: () => Promise<void>,
): Promise<void> {
  const scope = scopeOf(args.context);
  await scope.afterAck.run(() => answering(args, scope, work));
}

async function answering(
  args: ReplyTarget,
  scope: RequestScope,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
    scope.countAnswer("answered");
  } catch (error) {
    if (error instanceof AnswerUndelivered) {
      // The work is done; only its answer was lost. "Something went wrong, try again" would be
      // untrue and could make the person repeat a change that was applied.
      scope.log.error(
        { err: error.cause, reason: error.message },
        "could not deliver the answer to Slack; what the request did stands",
      );
      scope.countAnswer("undelivered");
      return;
    }
    const unexpected = isUnexpected(error);
    if (unexpected) scope.log.error({ err: error }, "request failed");
    else
      scope.log.info({ code: (error as { code?: string }).code }, "request refused with a message");
    scope.countAnswer(unexpected ? "error" : "refused");
    try {
      await replyPrivately(args, buildErrorNotice(userMessageFor(error, scope.requestId)));
    } catch (replyError) {
      scope.log.error({ err: replyError }, "could not tell the user about an error");
    }
  }
}
