import type { KnownBlock } from "@slack/types";
import type { Customer } from "../customers/customer.js";
import type { Currency } from "../money/currency.js";
import { customerRow } from "./customer-list.js";
import type { SlackMessage } from "./message.js";
import { clip, escapeMrkdwn, mrkdwn } from "./text.js";

/** Several customers match a reference: a short list to pick from. */
export function buildCustomerChoices(
  ref: string,
  customers: Customer[],
  total: number,
  currency: Currency,
): SlackMessage {
  const shown = customers.length;
  const intro =
    total > shown
      ? `*${total}* customers match “${escapeMrkdwn(clip(ref, 80))}”; here are the newest ${shown}. Pick one, or narrow it down with \`/customer list ${escapeMrkdwn(clip(ref, 80))}\`.`
      : `*${total}* customers match “${escapeMrkdwn(clip(ref, 80))}”. Pick one:`;
  const blocks: KnownBlock[] = [
    { type: "section", text: mrkdwn(intro) },
    ...customers.map((customer) => customerRow(customer, currency)),
  ];
  return { text: `${total} customers match “${clip(ref, 80)}”`, blocks };
}
