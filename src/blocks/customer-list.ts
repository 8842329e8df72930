import type { KnownBlock, SectionBlock } from "@slack/types";
import { type Customer, teamTypeLabels } from "../customers/customer.js";
import type { BoundedCount, CustomerQuery } from "../customers/customer-query.js";
import type { ListPage } from "../customers/customer-service.js";
import { type Currency, formatMoney } from "../money/currency.js";
import { actionIds } from "./action-ids.js";
import { statusLabel } from "./customer-fields.js";
import { encodeListPage } from "./list-page-value.js";
import type { SlackMessage } from "./message.js";
import { clipped, code, joinMd, type Mrkdwn, md, slackDate } from "./mrkdwn.js";
import { cursorNavigation } from "./page-navigation.js";
import { mrkdwn, plain } from "./text.js";

/** One list row: the columns of the console's customer list, and a button to open the card. */
export function customerRow(customer: Customer, currency: Currency): SectionBlock {
  const first = joinMd(
    [
      md`*${customer.account}*`,
      code(customer.customerId),
      customer.teamName || "—",
      teamTypeLabels[customer.teamType],
      ...(customer.companyName ? [customer.companyName] : []),
    ],
    md` · `,
  );
  const second = joinMd(
    [
      md`Balance ${formatMoney(customer.balance, currency)}`,
      md`Credits ${formatMoney(customer.credits, currency)}`,
      statusLabel(customer.status),
      customer.tag ? code(customer.tag) : md`no tag`,
      md`registered ${slackDate(customer.createdAt)}`,
    ],
    md` · `,
  );
  return {
    type: "section",
    text: mrkdwn(joinMd([first, second])),
    accessory: {
      type: "button",
      action_id: actionIds.showCustomer,
      text: plain("Open"),
      value: customer.customerId,
    },
  };
}

export function describeQuery(query: CustomerQuery): Mrkdwn {
  const parts: Mrkdwn[] = [];
  if (query.text) parts.push(md`matching “${clipped(query.text, 60)}”`);
  if (query.teamType) parts.push(md`type ${teamTypeLabels[query.teamType]}`);
  if (query.status) parts.push(md`status ${query.status}`);
  if (query.tag) parts.push(md`tag ${code(query.tag)}`);
  return parts.length ? joinMd(parts, md`, `) : md`all customers`;
}

/** A bounded count as shown: `23`, or `1,000+` when counting stopped (or `300+` of a cut search). */
export function shownCount(total: BoundedCount): string {
  return `${total.count.toLocaleString("en-US")}${total.atLeast ? "+" : ""}`;
}

/** A page of the customer list, newest first, with the total and Previous/Next buttons. */
export function buildCustomerList(result: ListPage, currency: Currency): SlackMessage {
  const { query, customers, total, page, pageCount, newer, older } = result;
  const none = total.count === 0 && customers.length === 0;
  const ofPages = pageCount === null ? md`` : md` of ${pageCount}`;
  const plural = total.count === 1 && !total.atLeast ? "" : "s";
  const summary = none
    ? md`No customers — ${describeQuery(query)}.`
    : md`*${shownCount(total)}* customer${plural} — ${describeQuery(query)} · page ${page + 1}${ofPages}`;
  const blocks: KnownBlock[] = [
    { type: "header", text: plain("Customers") },
    { type: "context", elements: [mrkdwn(summary)] },
  ];
  if (customers.length > 0) blocks.push({ type: "divider" });
  for (const customer of customers) blocks.push(customerRow(customer, currency));
  const navigation = cursorNavigation(
    { actionId: actionIds.listPage, blockId: "pages" },
    {
      previous: newer
        ? encodeListPage(query, {
            page: Math.max(0, page - 1),
            cursor: { direction: "before", position: newer },
          })
        : undefined,
      next: older
        ? encodeListPage(query, { page: page + 1, cursor: { direction: "after", position: older } })
        : undefined,
    },
  );
  if (navigation) blocks.push(navigation);
  if (none) {
    blocks.push({
      type: "context",
      elements: [mrkdwn(md`Try fewer filters, or \`/customer list\` for everyone.`)],
    });
  }
  return {
    text: none
      ? md`No customers match`
      : md`Customers: ${shownCount(total)} match, page ${page + 1}${ofPages}`,
    blocks,
  };
}
