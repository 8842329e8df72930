import { buildInviteList } from "../../blocks/invite-messages.js";
import { buildNotice } from "../../blocks/message.js";
import { md, slackDate } from "../../blocks/mrkdwn.js";
import { actorOf } from "../actor.js";
import { answerErrors } from "../answer-errors.js";
import type { Deps } from "../deps.js";
import { replyPrivately } from "../reply.js";
import { actionValue, type ButtonArgs } from "./action-args.js";

/** Revoke on the open-invites list: revokes, then shows the list again with a note. */
export function revokeInvite(deps: Deps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await answerErrors(args, async () => {
      const invite = await deps.invites.revoke(actionValue(args) ?? "", actorOf(args.context));
      const list = buildInviteList(await deps.invites.listOpen());
      const note = buildNotice(
        md`:no_entry_sign: Revoked the invite ${invite.email ? md`for ${invite.email} ` : ""}created ${slackDate(invite.createdAt)}; its link no longer works.`,
      );
      await replyPrivately(
        args,
        { text: note.text, blocks: [...note.blocks, ...list.blocks] },
        { replaceOriginal: true },
      );
    });
  };
}
