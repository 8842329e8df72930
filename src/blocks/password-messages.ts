import type { KnownBlock } from "@slack/types";
import type { Customer } from "../customers/customer.js";
import { actionIds } from "./action-ids.js";
import type { SlackMessage } from "./message.js";
import { code, codeBlock, type Mrkdwn, md, slackDate } from "./mrkdwn.js";
import { mrkdwn, plain } from "./text.js";

/** The password block, shown once; the only place a password ever appears. */
export function passwordSection(password: string, intro: Mrkdwn): KnownBlock {
  return { type: "section", text: mrkdwn(md`${intro}\n${codeBlock(password)}`) };
}

/** A generated password waiting for Confirm; the buttons carry an opaque reference, never the password. */
export function buildPasswordOffer(options: {
  customer: Customer;
  password: string;
  resetId: string;
  expiresAt: Date;
}): SlackMessage {
  const { customer, resetId } = options;
  return {
    text: md`New password for ${customer.account}: copy it, then confirm`,
    blocks: [
      passwordSection(
        options.password,
        md`New password for *${customer.account}* (${code(customer.customerId)}). Copy it, then click *Confirm new password*; until then nothing changes.`,
      ),
      {
        type: "actions",
        block_id: "password_reset",
        elements: [
          {
            type: "button",
            action_id: actionIds.passwordConfirm,
            text: plain("Confirm new password"),
            style: "primary",
            value: resetId,
          },
          {
            type: "button",
            action_id: actionIds.passwordReplace,
            text: plain("Generate another"),
            value: resetId,
          },
          {
            type: "button",
            action_id: actionIds.passwordCancel,
            text: plain("Cancel"),
            value: resetId,
          },
        ],
      },
      {
        type: "context",
        elements: [
          mrkdwn(
            md`Only you can see this. It can be confirmed until ${slackDate(options.expiresAt)}. Send it to the customer through a secure channel.`,
          ),
        ],
      },
    ],
  };
}

export function buildPasswordConfirmed(customer: Customer): SlackMessage {
  const text = md`:white_check_mark: The new password for *${customer.account}* is active. Send it to the customer through a secure channel if you have not yet; it is not shown again.`;
  return {
    text: md`New password for ${customer.account} confirmed`,
    blocks: [{ type: "section", text: mrkdwn(text) }],
  };
}

export function buildPasswordCancelled(customer: Customer): SlackMessage {
  const text = md`Password reset for *${customer.account}* cancelled. The old password still works; nothing was changed.`;
  return {
    text: md`Password reset for ${customer.account} cancelled`,
    blocks: [{ type: "section", text: mrkdwn(text) }],
  };
}
