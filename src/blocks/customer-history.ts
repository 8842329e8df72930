import type { KnownBlock } from "@slack/types";
import type { AuditEvent } from "../audit/audit-event.js";
import type { Customer } from "../customers/customer.js";
import type { Currency } from "../money/currency.js";
import { actionIds } from "./action-ids.js";
import { describeAuditEvent } from "./audit-line.js";
import { encodeCustomerPage } from "./customer-page-value.js";
import type { SlackMessage } from "./message.js";
import { code, md } from "./mrkdwn.js";
import { pageNavigation } from "./page-navigation.js";
import { mrkdwn, plain } from "./text.js";

export const historyPageSize = 10;

export interface HistoryPage {
  events: AuditEvent[];
  total: number;
  page: number;
}

/** A customer's audit trail, newest first: who did what, when, before → after, refused attempts too. */
export function buildCustomerHistory(
  customer: Customer,
  history: HistoryPage,
  currency: Currency,
): SlackMessage {
  const pageCount = Math.max(1, Math.ceil(history.total / historyPageSize));
  const blocks: KnownBlock[] = [
    { type: "header", text: plain(`History · ${customer.account}`, 150) },
    {
      type: "context",
      elements: [
        mrkdwn(
          md`${code(customer.customerId)} · *${history.total}* event${history.total === 1 ? "" : "s"} · page ${history.page + 1} of ${pageCount}`,
        ),
      ],
    },
  ];
  if (history.events.length === 0)
    blocks.push({
      type: "section",
      text: mrkdwn(md`Nothing has been recorded for *${customer.account}* yet.`),
    });
  for (const event of history.events.slice(0, historyPageSize))
    blocks.push({ type: "section", text: mrkdwn(describeAuditEvent(event, currency)) });
  const navigation = pageNavigation(
    { actionId: actionIds.historyPage, blockId: "history_pages" },
    history.page,
    pageCount,
    (target) => encodeCustomerPage({ customerId: customer.customerId, page: target }),
  );
  if (navigation) blocks.push(navigation);
  return {
    text: md`History of ${customer.account}: ${history.total} events, page ${history.page + 1} of ${pageCount}`,
    blocks,
  };
}
