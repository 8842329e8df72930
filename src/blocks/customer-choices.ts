import type { KnownBlock } from "@slack/types";
import type { Customer } from "../customers/customer.js";
import type { BoundedCount } from "../customers/customer-query.js";
import type { Currency } from "../money/currency.js";
import { customerRow, shownCount } from "./customer-list.js";
import type { SlackMessage } from "./message.js";
import { clipped, md } from "./mrkdwn.js";
import { mrkdwn } from "./text.js";

/** Several customers match a reference: a short list to pick from. */
export function buildCustomerChoices(
  ref: string,
  customers: Customer[],
  total: BoundedCount,
  currency: Currency,
): SlackMessage {
  const shown = customers.length;
  const shownRef = clipped(ref, 80);
  const matching = shownCount(total);
  const intro =
    total.atLeast || total.count > shown
      ? md`*${matching}* customers match “${shownRef}”; here are the newest ${shown}. Pick one, or narrow it down with \`/customer list ${shownRef}\`.`
      : md`*${matching}* customers match “${shownRef}”. Pick one:`;
  const blocks: KnownBlock[] = [
    { type: "section", text: mrkdwn(intro) },
    ...customers.map((customer) => customerRow(customer, currency)),
  ];
  return { text: md`${matching} customers match “${shownRef}”`, blocks };
}
