import type {
  InputBlock,
  KnownBlock,
  ModalView,
  PlainTextOption,
  StaticSelect,
} from "@slack/types";
import type { Customer } from "../customers/customer.js";
import { actionIds, viewIds } from "./action-ids.js";
import { clip, md } from "./mrkdwn.js";
import { mrkdwn, plain } from "./text.js";

/** Slack's limit on an option's text, and how many options the picker lists. */
export const optionTextLimit = 75;
export const pickerOptionLimit = 20;
/** Slack sends the typed text only from this many characters on (and the server asks the same). */
export const pickerMinQueryLength = 2;

/**
 * Who a form is for: one customer, fixed by the card or command it came from (shown as context), or
 * picked in the form itself, optionally preselected (e.g. the customer a channel is linked to).
 */
export type FormSubject = Customer | { picker: { preselected?: Customer } };

export function isPicker(subject: FormSubject): subject is { picker: { preselected?: Customer } } {
  return "picker" in subject;
}

const separator = " · ";

/**
 * "account · team · CUS-ID · status" in at most 75 characters: the ID and status always whole, the
 * account and team name clipped (the team to a third of what is left, unless the account is short).
 */
export function customerOptionText(customer: Customer): string {
  const status = customer.status === "on" ? "on" : "off";
  const fixed = [customer.customerId, status].join(separator);
  const team = customer.teamName.trim();
  const room = optionTextLimit - fixed.length - separator.length * (team ? 2 : 1);
  const teamRoom = team ? Math.max(Math.floor(room / 3), room - customer.account.length) : 0;
  const teamShown = team.length <= teamRoom ? team : clip(team, teamRoom).replace(/\s+…$/, "…");
  const account = clip(customer.account, room - teamShown.length);
  return [account, ...(teamShown ? [teamShown] : []), fixed].join(separator);
}

/** One picker option: the text a person reads, and only the customer ID as its value. */
export function customerOption(customer: Customer): PlainTextOption {
  return {
    text: { type: "plain_text", text: customerOptionText(customer), emoji: false },
    value: customer.customerId,
  };
}

/** The customer typeahead: an input whose options the app answers as the person types. */
export function buildCustomerPicker(preselected?: Customer): InputBlock {
  return {
    type: "input",
    block_id: viewIds.customer,
    label: plain("Customer"),
    hint: plain("Type at least 2 characters of the account, team name, company or CUS- ID."),
    element: {
      type: "external_select",
      action_id: actionIds.customerPicker,
      min_query_length: pickerMinQueryLength,
      placeholder: plain("Search customers", 150),
      ...(preselected ? { initial_option: customerOption(preselected) } : {}),
    },
  };
}

/** What a form shows about its customer: the fixed one's `summary`, or the picker. */
export function subjectBlock(subject: FormSubject, summary: (customer: Customer) => KnownBlock) {
  return isPicker(subject) ? buildCustomerPicker(subject.picker.preselected) : summary(subject);
}

/** What the Find a customer modal leads to once a customer is picked. */
export const pickPurposes = [
  "card",
  "edit",
  "password",
  "billing",
  "history",
  "enable",
  "disable",
] as const;
export type PickPurpose = (typeof pickPurposes)[number];

const purposeTexts: Record<PickPurpose, { title: string; submit: string; intro: string }> = {
  card: {
    title: "Find a customer",
    submit: "Show card",
    intro: "Their card is shown only to you.",
  },
  edit: { title: "Edit customer", submit: "Next", intro: "Next, the edit form for them." },
  password: {
    title: "Reset password",
    submit: "Next",
    intro: "Next, a new password to confirm; nothing changes until you confirm it.",
  },
  billing: { title: "Billing details", submit: "Show", intro: "Shown only to you." },
  history: { title: "Customer history", submit: "Show", intro: "Shown only to you." },
  enable: {
    title: "Enable customer",
    submit: "Enable",
    intro: "They will be able to log in to the console again.",
  },
  disable: {
    title: "Disable customer",
    submit: "Disable",
    intro: "They will no longer be able to log in to the console.",
  },
};

/** The menu's “Act on a customer…” choices, in the order the select lists them. */
export const menuPickLabels = {
  balance: "Manage balance",
  credits: "Manage credits",
  tag: "Set tag",
  edit: "Edit",
  password: "Reset password",
  billing: "Billing details",
  history: "History",
  enable: "Enable",
  disable: "Disable",
} as const satisfies Record<Exclude<PickPurpose, "card"> | "balance" | "credits" | "tag", string>;
export type MenuPick = keyof typeof menuPickLabels;
export const menuPicks = Object.keys(menuPickLabels) as [MenuPick, ...MenuPick[]];

/** The select on the help menu and App Home: each choice opens its form with the picker. */
export function buildPickMenu(): StaticSelect {
  return {
    type: "static_select",
    action_id: actionIds.menuPick,
    placeholder: plain("Act on a customer…", 150),
    options: menuPicks.map((pick) => ({ text: plain(menuPickLabels[pick], 75), value: pick })),
  };
}

/** Find a customer (and the operations that need one picked first): the picker alone. */
export function buildPickCustomerModal(
  purpose: PickPurpose,
  privateMetadata: string,
  preselected?: Customer,
): ModalView {
  const texts = purposeTexts[purpose];
  return {
    type: "modal",
    callback_id: viewIds.pickCustomer,
    private_metadata: privateMetadata,
    title: plain(texts.title, 24),
    submit: plain(texts.submit, 24),
    close: plain("Cancel", 24),
    blocks: [
      buildCustomerPicker(preselected),
      { type: "context", elements: [mrkdwn(md`${texts.intro}`)] },
    ],
  };
}
