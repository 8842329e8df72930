import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from "@slack/bolt";
import { buildMessageChangeModal } from "../../blocks/money-modals.js";
import { clip } from "../../blocks/mrkdwn.js";
import { maxReasonLength } from "../../input/reason.js";
import { cleanUserText } from "../../text/user-text.js";
import { answerErrors } from "../answer-errors.js";
import type { Deps } from "../deps.js";
import { linkedCustomerFor } from "../linked-customer.js";
import { encodeModalMetadata, slackPermalinkSchema } from "../modal-metadata.js";
import { openMessageChangeForm } from "../operations/open-forms.js";
import { scopeOf } from "../request-scope.js";

export type MessageShortcutArgs = SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs;

/** The message's first line that shows something, cleaned like anything typed, cut to a reason's length. */
export function reasonFromMessage(text: unknown): string {
  if (typeof text !== "string") return "";
  for (const line of text.split("\n")) {
    const cleaned = cleanUserText(line, { oneLine: true });
    if (cleaned) return clip(cleaned, maxReasonLength);
  }
  return "";
}

/**
 * “Request a change for this message”: the change form with the picker and the message's first line
 * as the reason opens at once (the trigger lasts 3 s); the message's permalink is asked for at the
 * same time and, once Slack gives it, put into the form's metadata with views.update (naming the
 * view's hash, so a form that changed meanwhile is not overwritten). Without it, the form still works.
 */
export function requestChangeForMessage(deps: Deps) {
  return async (args: MessageShortcutArgs): Promise<void> => {
    await args.ack();
    const scope = scopeOf(args.context);
    const { body } = args;
    const reason = reasonFromMessage(body.message.text);
    const opening = {
      client: scope.modalClient,
      triggerId: body.trigger_id,
      responseUrl: body.response_url,
    };
    await answerErrors(args, async () => {
      const permalink = scope.modalClient.chat
        .getPermalink({ channel: body.channel.id, message_ts: body.message_ts })
        .then((answer) => slackPermalinkSchema.safeParse(answer.permalink).data)
        .catch((error: unknown) => {
          scope.log.warn({ err: error }, "could not get the message's permalink");
          return undefined;
        });
      // In a linked channel the form starts with the channel's customer.
      const preselected = await linkedCustomerFor(deps, scope, body.channel.id);
      const opened = await openMessageChangeForm(deps, opening, { reason, preselected });
      const sourcePermalink = await permalink;
      if (!sourcePermalink || !opened.viewId) return;
      try {
        await scope.modalClient.views.update({
          view_id: opened.viewId,
          ...(opened.hash ? { hash: opened.hash } : {}),
          view: buildMessageChangeModal(
            { picker: { preselected } },
            deps.config.currency,
            encodeModalMetadata({ sourcePermalink, responseUrl: body.response_url }),
            { reason },
          ),
        });
      } catch (error) {
        scope.log.warn({ err: error }, "could not add the message's permalink to the form");
      }
    });
  };
}
