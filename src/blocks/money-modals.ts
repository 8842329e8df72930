import type { InputBlock, ModalView } from "@slack/types";
import type { Approval } from "../approvals/approval.js";
import type { Customer } from "../customers/customer.js";
import { maxReasonLength } from "../input/reason.js";
import { type Currency, formatMoney } from "../money/currency.js";
import { inputActionId, viewIds } from "./action-ids.js";
import { approvalSummary } from "./approval-message.js";
import { md } from "./mrkdwn.js";
import { mrkdwn, plain } from "./text.js";

/** What a command already said: the amount as typed in the form, and for balance the direction. */
export interface MoneyFormPrefill {
  amount: string;
  direction?: "refill" | "deduct";
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

function reasonInput(label = "Reason"): InputBlock {
  return {
    type: "input",
    block_id: "reason",
    label: plain(label),
    element: {
      type: "plain_text_input",
      action_id: inputActionId,
      multiline: true,
      max_length: maxReasonLength,
    },
  };
}

/** Manage balance: refill or deduct an amount, with a required reason. */
export function buildBalanceModal(
  customer: Customer,
  currency: Currency,
  privateMetadata: string,
  prefill?: MoneyFormPrefill,
): ModalView {
  const directions = [
    { text: plain("Refill (add)"), value: "refill" },
    { text: plain("Deduct (subtract)"), value: "deduct" },
  ];
  return {
    type: "modal",
    callback_id: viewIds.balance,
    private_metadata: privateMetadata,
    title: plain("Manage balance", 24),
    submit: plain("Apply", 24),
    close: plain("Cancel", 24),
    blocks: [
      {
        type: "section",
        text: mrkdwn(
          md`*${customer.account}* · balance *${formatMoney(customer.balance, currency)}*`,
        ),
      },
      {
        type: "input",
        block_id: "direction",
        label: plain("Change"),
        element: {
          type: "static_select",
          action_id: inputActionId,
          initial_option: directions[prefill?.direction === "deduct" ? 1 : 0],
          options: directions,
        },
      },
      amountInput(
        `Amount (${currency.code})`,
        "A deduction cannot exceed the balance. Large changes by support go to a manager for approval.",
        prefill?.amount,
      ),
      reasonInput(),
    ],
  };
}

/** Manage credits: a target amount; the difference moves out of (or back into) the shared pool after approval. */
export function buildCreditsModal(
  customer: Customer,
  poolLeft: number,
  currency: Currency,
  privateMetadata: string,
  prefill?: MoneyFormPrefill,
): ModalView {
  return {
    type: "modal",
    callback_id: viewIds.credits,
    private_metadata: privateMetadata,
    title: plain("Manage credits", 24),
    submit: plain("Request", 24),
    close: plain("Cancel", 24),
    blocks: [
      {
        type: "section",
        text: mrkdwn(
          md`*${customer.account}* has *${formatMoney(customer.credits, currency)}* in credits. The platform's credit pool has *${formatMoney(poolLeft, currency)}* left, so the most you can set is ${formatMoney(customer.credits + poolLeft, currency)}.`,
        ),
      },
      amountInput(
        `Target credits (${currency.code})`,
        "The customer's credits after the change. Every credit change needs a manager's approval.",
        prefill?.amount,
      ),
      reasonInput(),
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
