import type { ModalView } from "@slack/types";
import type { Customer } from "../customers/customer.js";
import { fieldOfKind, type StoredLedgerEntry } from "../ledger/ledger-entry.js";
import { type Currency, formatMoney } from "../money/currency.js";
import { viewIds } from "./action-ids.js";
import { ledgerKindLabels } from "./billing-details.js";
import { reasonInput } from "./money-modals.js";
import { clipped, code, joinMd, md, mention, slackDate } from "./mrkdwn.js";
import { mrkdwn, plain } from "./text.js";

/** Characters of the entry's own reason shown in the form (a section holds 3,000 escaped). */
const entryReasonShown = 300;

/**
 * Reverse on a ledger entry: what will be reversed (the entry, and the customer's value now → with
 * it undone) and a required reason. Submitting asks a manager; nothing changes before approval.
 */
export function buildReverseModal(
  entry: StoredLedgerEntry,
  customer: Customer,
  currency: Currency,
  privateMetadata: string,
): ModalView {
  const money = (value: number) => formatMoney(value, currency);
  const field = fieldOfKind(entry.kind);
  const signed = `${entry.amount < 0 ? "−" : "+"}${money(Math.abs(entry.amount))}`;
  const summary = joinMd([
    md`*${customer.account}* (${code(customer.customerId)})`,
    md`Reverse *${ledgerKindLabels[entry.kind].toLowerCase()}* of *${signed}* from ${slackDate(entry.at)} by ${mention(entry.actorId)} (entry ${code(entry.entryId)})`,
    md`Its reason: _${entry.reason ? clipped(entry.reason, entryReasonShown) : "—"}_`,
    md`Their ${field}: ${money(customer[field])} now → *${money(customer[field] - entry.amount)}* once a manager approves.`,
  ]);
  return {
    type: "modal",
    callback_id: viewIds.reverseEntry,
    private_metadata: privateMetadata,
    title: plain("Reverse entry", 24),
    submit: plain("Request", 24),
    close: plain("Cancel", 24),
    blocks: [
      { type: "section", text: mrkdwn(summary) },
      reasonInput("Why reverse it?"),
      {
        type: "context",
        elements: [
          mrkdwn(
            md`Every reversal needs a manager's approval. An entry can be reversed once; the reversal is a new entry linked to this one.`,
          ),
        ],
      },
    ],
  };
}
