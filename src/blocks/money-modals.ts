import type { InputBlock, ModalView } from "@slack/types";
import type { Approval } from "../approvals/approval.js";
import { maxCommentLength } from "../input/approval-comment.js";
import { maxReasonLength } from "../input/reason.js";
import { type Currency, formatMoney } from "../money/currency.js";
import { inputActionId, viewIds } from "./action-ids.js";
import { approvalSummary } from "./approval-message.js";
import {
  buildCustomerPicker,
  type FormSubject,
  isPicker,
  subjectBlock,
} from "./customer-picker.js";
import { md } from "./mrkdwn.js";
import { mrkdwn, plain } from "./text.js";

/**
 * What is already known: the amount as typed in the form and for balance the direction (from a
 * command), or the reason (from the message a shortcut was used on).
 */
export interface MoneyFormPrefill {
  amount?: string;
  direction?: "refill" | "deduct";
  reason?: string;
}

function amountInput(label: string, hint: string, initialValue?: string): InputBlock {
  return {
    type: "input",
    block_id: "amount",
    label: plain(label),
    hint: plain(hint),
    element: {
      type: "plain_text_input",
      action_id: inputActionId,
      max_length: 30,
      placeholder: plain("e.g. 50 or 1,250.00"),
      ...(initialValue === undefined ? {} : { initial_value: initialValue }),
    },
  };
}

/** The required reason field every money form shares (block_id `reason`). */
export function reasonInput(label = "Reason", initialValue?: string): InputBlock {
  return {
    type: "input",
    block_id: "reason",
    label: plain(label),
    element: {
      type: "plain_text_input",
      action_id: inputActionId,
      multiline: true,
      max_length: maxReasonLength,
      ...(initialValue ? { initial_value: initialValue } : {}),
    },
  };
}

const directionOptions = [
  { text: plain("Refill (add)"), value: "refill" },
  { text: plain("Deduct (subtract)"), value: "deduct" },
];

/** Manage balance: refill or deduct an amount, with a required reason. */
export function buildBalanceModal(
  subject: FormSubject,
  currency: Currency,
  privateMetadata: string,
  prefill?: MoneyFormPrefill,
): ModalView {
  return {
    type: "modal",
    callback_id: viewIds.balance,
    private_metadata: privateMetadata,
    title: plain("Manage balance", 24),
    submit: plain("Apply", 24),
    close: plain("Cancel", 24),
    blocks: [
      subjectBlock(subject, (customer) => ({
        type: "section",
        text: mrkdwn(
          md`*${customer.account}* · balance *${formatMoney(customer.balance, currency)}*`,
        ),
      })),
      {
        type: "input",
        block_id: "direction",
        label: plain("Change"),
        element: {
          type: "static_select",
          action_id: inputActionId,
          initial_option: directionOptions[prefill?.direction === "deduct" ? 1 : 0],
          options: directionOptions,
        },
      },
      amountInput(
        `Amount (${currency.code})`,
        "A deduction cannot exceed the balance. Large changes by support go to a manager for approval.",
        prefill?.amount,
      ),
      reasonInput("Reason", prefill?.reason),
    ],
  };
}

/** Manage credits: a target amount; the difference moves out of (or back into) the shared pool after approval. */
export function buildCreditsModal(
  subject: FormSubject,
  poolLeft: number,
  currency: Currency,
  privateMetadata: string,
  prefill?: MoneyFormPrefill,
): ModalView {
  const left = formatMoney(poolLeft, currency);
  return {
    type: "modal",
    callback_id: viewIds.credits,
    private_metadata: privateMetadata,
    title: plain("Manage credits", 24),
    submit: plain("Request", 24),
    close: plain("Cancel", 24),
    blocks: [
      ...(isPicker(subject)
        ? [
            buildCustomerPicker(subject.picker.preselected),
            {
              type: "section" as const,
              text: mrkdwn(
                md`The platform's credit pool has *${left}* left: a target can be at most the customer's credits plus that.`,
              ),
            },
          ]
        : [
            {
              type: "section" as const,
              text: mrkdwn(
                md`*${subject.account}* has *${formatMoney(subject.credits, currency)}* in credits. The platform's credit pool has *${left}* left, so the most you can set is ${formatMoney(subject.credits + poolLeft, currency)}.`,
              ),
            },
          ]),
      amountInput(
        `Target credits (${currency.code})`,
        "The customer's credits after the change. Every credit change needs a manager's approval.",
        prefill?.amount,
      ),
      reasonInput("Reason", prefill?.reason),
    ],
  };
}

/**
 * The message shortcut's form: a picked customer, what to change (refill, deduct, or set credits
 * — credits always go to a manager), the amount and the reason, prefilled from the message.
 */
export function buildMessageChangeModal(
  preselected: FormSubject,
  currency: Currency,
  privateMetadata: string,
  prefill: MoneyFormPrefill,
): ModalView {
  const changes = [...directionOptions, { text: plain("Set credits to"), value: "credits" }];
  return {
    type: "modal",
    callback_id: viewIds.messageChange,
    private_metadata: privateMetadata,
    title: plain("Request a change", 24),
    submit: plain("Submit", 24),
    close: plain("Cancel", 24),
    blocks: [
      subjectBlock(preselected, (customer) => ({
        type: "section",
        text: mrkdwn(md`*${customer.account}*`),
      })),
      {
        type: "input",
        block_id: "change",
        label: plain("Change"),
        element: {
          type: "static_select",
          action_id: inputActionId,
          initial_option: changes[0],
          options: changes,
        },
      },
      amountInput(
        `Amount (${currency.code})`,
        "For Set credits, the customer's credits after the change (a manager approves it).",
        prefill.amount,
      ),
      reasonInput("Reason", prefill.reason),
      {
        type: "context",
        elements: [mrkdwn(md`The request keeps a link to the message it came from.`)],
      },
    ],
  };
}

/** Reject: the manager says why; the requester is told. */
export function buildRejectModal(
  approval: Approval,
  currency: Currency,
  privateMetadata: string,
): ModalView {
  return {
    type: "modal",
    callback_id: viewIds.reject,
    private_metadata: privateMetadata,
    title: plain("Reject request", 24),
    submit: plain("Reject", 24),
    close: plain("Cancel", 24),
    blocks: [
      { type: "section", text: mrkdwn(approvalSummary(approval, currency, null)) },
      reasonInput("Why is it rejected?"),
    ],
  };
}

/**
 * Approve: the request as it stands, what approving does now (the first of two approvals moves
 * nothing), and an optional comment kept with the approval.
 */
export function buildApproveModal(
  approval: Approval,
  currency: Currency,
  privateMetadata: string,
): ModalView {
  const firstOfTwo = approval.approvalsNeeded === 2 && approval.approvals.length === 0;
  const effect = firstOfTwo
    ? md`Yours is the first of two approvals: nothing changes until a second manager approves.`
    : approval.kind === "reversal"
      ? md`Approving reverses the entry now, unless that would take a value or the credit pool below zero.`
      : md`Approving applies the change now, if the customer's ${approval.kind} are still as shown.`;
  return {
    type: "modal",
    callback_id: viewIds.approve,
    private_metadata: privateMetadata,
    title: plain("Approve request", 24),
    submit: plain("Approve", 24),
    close: plain("Cancel", 24),
    blocks: [
      { type: "section", text: mrkdwn(approvalSummary(approval, currency, null)) },
      { type: "context", elements: [mrkdwn(effect)] },
      {
        type: "input",
        block_id: "comment",
        optional: true,
        label: plain("Comment (optional)"),
        hint: plain("Shown on the request, to the requester, and kept on the ledger entry."),
        element: {
          type: "plain_text_input",
          action_id: inputActionId,
          multiline: true,
          max_length: maxCommentLength,
        },
      },
    ],
  };
}
