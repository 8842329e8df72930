import type { KnownBlock } from "@slack/types";
import type { Invite } from "../invites/invite.js";
import { actionIds } from "./action-ids.js";
import type { SlackMessage } from "./message.js";
import { codeBlock, md, mention, slackDate } from "./mrkdwn.js";
import { mrkdwn, plain } from "./text.js";

export function buildInviteLink(options: { link: string; invite: Invite }): SlackMessage {
  const { invite } = options;
  const bound = invite.email ? md` for *${invite.email}* only` : "";
  return {
    text: md`Registration link created`,
    blocks: [
      {
        type: "section",
        text: mrkdwn(
          md`Registration link${bound}. Copy it and send it to the customer:\n${codeBlock(options.link)}`,
        ),
      },
      {
        type: "context",
        elements: [
          mrkdwn(
            md`Works once, until ${slackDate(invite.expiresAt)}. Only you can see it; \`/customer invites\` lists open invites and revokes them.`,
          ),
        ],
      },
    ],
  };
}

/** Open invites, newest first, each with a Revoke button (with a confirm dialog). */
export function buildInviteList(invites: Invite[]): SlackMessage {
  if (invites.length === 0)
    return {
      text: md`No open invites`,
      blocks: [{ type: "section", text: mrkdwn(md`There are no open invites.`) }],
    };
  const blocks: KnownBlock[] = [{ type: "header", text: plain("Open invites") }];
  for (const invite of invites) {
    blocks.push({
      type: "section",
      text: mrkdwn(
        md`${invite.email ? md`*${invite.email}*` : md`_any email_`} · created by ${mention(invite.createdBy)} ${slackDate(invite.createdAt)} · expires ${slackDate(invite.expiresAt)}`,
      ),
      accessory: {
        type: "button",
        action_id: actionIds.inviteRevoke,
        text: plain("Revoke"),
        style: "danger",
        value: invite.inviteId,
        confirm: {
          title: plain("Revoke this invite?", 100),
          text: plain("The link will stop working at once.", 300),
          confirm: plain("Revoke", 30),
          deny: plain("Keep it", 30),
        },
      },
    });
  }
  return { text: md`${invites.length} open invites`, blocks };
}
