import type { KnownBlock, SectionBlock } from "@slack/types";
import { type Customer, teamTypeLabels } from "../customers/customer.js";
import type { CustomerQuery } from "../customers/customer-query.js";
import type { ListPage } from "../customers/customer-service.js";
import { type Currency, formatMoney } from "../money/currency.js";
import { actionIds } from "./action-ids.js";
import { encodeListPage } from "./button-values.js";
import { statusLabel } from "./customer-fields.js";
import type { SlackMessage } from "./message.js";
import { clipped, code, joinMd, type Mrkdwn, md, slackDate } from "./mrkdwn.js";
import { pageNavigation } from "./page-navigation.js";
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

/** A page of the customer list, newest first, with the total and Previous/Next buttons. */
export function buildCustomerList(result: ListPage, currency: Currency): SlackMessage {
  const { query, customers, total, page, pageCount } = result;
  const summary =
    total === 0
      ? md`No customers — ${describeQuery(query)}.`
      : md`*${total.toLocaleString("en-US")}* customer${total === 1 ? "" : "s"} — ${describeQuery(query)} · page ${page + 1} of ${pageCount}`;
  const blocks: KnownBlock[] = [
    { type: "header", text: plain("Customers") },
    { type: "context", elements: [mrkdwn(summary)] },
  ];
  if (customers.length > 0) blocks.push({ type: "divider" });
  for (const customer of customers) blocks.push(customerRow(customer, currency));
  const navigation = pageNavigation(
    { actionId: actionIds.listPage, blockId: "pages" },
    page,
    pageCount,
    (target) => encodeListPage(query, target),
  );
  if (navigation) blocks.push(navigation);
  if (total === 0) {
    blocks.push({
      type: "context",
      elements: [mrkdwn(md`Try fewer filters, or \`/customer list\` for everyone.`)],
    });
  }
  return {
    text:
      total === 0
        ? md`No customers match`
        : md`Customers: ${total} match, page ${page + 1} of ${pageCount}`,
    blocks,
  };
}
