import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from "@slack/types";
import { type Customer, type TeamType, teamTypeLabels, teamTypes } from "../customers/customer.js";
import { limits } from "../customers/customer-input.js";
import { inputActionId, viewIds } from "./action-ids.js";
import { type FormSubject, isPicker, subjectBlock } from "./customer-picker.js";
import { md } from "./mrkdwn.js";
import { mrkdwn, plain } from "./text.js";

function textInput(
  field: string,
  label: string,
  options: {
    initial?: string | null;
    max: number;
    optional?: boolean;
    hint?: string;
    placeholder?: string;
  },
): InputBlock {
  return {
    type: "input",
    block_id: field,
    optional: options.optional ?? false,
    label: plain(label, 2000),
    ...(options.hint ? { hint: plain(options.hint, 2000) } : {}),
    element: {
      type: "plain_text_input",
      action_id: inputActionId,
      max_length: options.max,
      ...(options.initial ? { initial_value: options.initial } : {}),
      ...(options.placeholder ? { placeholder: plain(options.placeholder, 150) } : {}),
    },
  };
}

function teamTypeOption(teamType: TeamType): PlainTextOption {
  return { text: plain(teamTypeLabels[teamType], 75), value: teamType };
}

function teamTypeInput(initial: TeamType | undefined): InputBlock {
  return {
    type: "input",
    block_id: "teamType",
    label: plain("Team type"),
    hint: plain(
      "Default: registration not completed or email not verified. Individual or Enterprise: the billing information the customer set.",
    ),
    element: {
      type: "static_select",
      action_id: inputActionId,
      options: teamTypes.map(teamTypeOption),
      ...(initial ? { initial_option: teamTypeOption(initial) } : {}),
    },
  };
}

/** The create form (PRODUCT.md §2.11), or the edit form prefilled with a customer (§2.3). */
export function buildCustomerFormModal(options: {
  customer?: Customer;
  privateMetadata: string;
}): ModalView {
  const { customer } = options;
  const blocks: KnownBlock[] = [
    textInput("account", "Account (email)", {
      initial: customer?.account,
      max: limits.account,
      placeholder: "ana@example.com",
    }),
    textInput("teamName", "Team name", { initial: customer?.teamName, max: limits.teamName }),
    teamTypeInput(customer?.teamType),
    textInput("companyName", "Company name", {
      initial: customer?.companyName,
      max: limits.companyName,
      optional: true,
      hint: "Required for enterprise teams; leave empty for the others.",
    }),
  ];
  if (!customer) {
    blocks.push(
      textInput("tag", "Tag", {
        optional: true,
        max: 32,
        hint: "Optional label such as vip or trial: lower-case letters, digits, - and _.",
      }),
    );
    blocks.push({
      type: "context",
      elements: [mrkdwn(md`An initial password is generated and shown to you once, privately.`)],
    });
  }
  return {
    type: "modal",
    callback_id: customer ? viewIds.editCustomer : viewIds.createCustomer,
    private_metadata: options.privateMetadata,
    title: plain(customer ? "Edit customer" : "New customer", 24),
    submit: plain(customer ? "Save" : "Create", 24),
    close: plain("Cancel", 24),
    blocks,
  };
}

/** The tag form: one optional field; empty clears the tag. With the picker, the tag shown is empty. */
export function buildTagModal(options: {
  subject: FormSubject;
  privateMetadata: string;
}): ModalView {
  const { subject } = options;
  return {
    type: "modal",
    callback_id: viewIds.setTag,
    private_metadata: options.privateMetadata,
    title: plain("Set tag", 24),
    submit: plain("Save", 24),
    close: plain("Cancel", 24),
    blocks: [
      subjectBlock(subject, (customer) => ({
        type: "section",
        text: mrkdwn(md`Tag for *${customer.account}*`),
      })),
      textInput("tag", "Tag", {
        initial: isPicker(subject) ? null : subject.tag,
        max: 32,
        optional: true,
        hint: "Lower-case letters, digits, - and _ (e.g. vip, trial). Leave empty to clear the tag.",
      }),
    ],
  };
}

/** The invite form: an optional email the link is bound to. */
export function buildInviteModal(privateMetadata: string): ModalView {
  return {
    type: "modal",
    callback_id: viewIds.invite,
    private_metadata: privateMetadata,
    title: plain("Invite customer", 24),
    submit: plain("Create link", 24),
    close: plain("Cancel", 24),
    blocks: [
      textInput("email", "Email (optional)", {
        optional: true,
        max: limits.account,
        hint: "When set, only this email can register with the link.",
      }),
    ],
  };
}
