import type { KnownBlock } from "@slack/types";
import type { AuditEvent } from "../audit/audit-event.js";
import type { Customer } from "../customers/customer.js";
import type { KeysetPage } from "../db/keyset-page.js";
import type { Currency } from "../money/currency.js";
import { actionIds } from "./action-ids.js";
import { describeAuditEvent } from "./audit-line.js";
import { entryPageNavigation } from "./entry-page-navigation.js";
import type { SlackMessage } from "./message.js";
import { code, type Mrkdwn, md } from "./mrkdwn.js";
import { fromConversation } from "./source-link.js";
import { mrkdwn, plain } from "./text.js";

export const historyPageSize = 10;

export interface HistoryPage {
  events: KeysetPage<AuditEvent>;
  /** One-based, for the label only. */
  page: number;
}

/** One event: what happened and, when it was asked from a Slack message, a link to it. */
function historyLine(event: AuditEvent, currency: Currency): Mrkdwn {
  const line = describeAuditEvent(event, currency);
  const source = fromConversation(event.sourcePermalink);
  return source ? md`${line} · ${source}` : line;
}

/** A customer's audit trail, newest first: who did what, when, before → after, refused attempts too. */
export function buildCustomerHistory(
  customer: Customer,
  history: HistoryPage,
  currency: Currency,
): SlackMessage {
  const { events, page } = history;
  const blocks: KnownBlock[] = [
    { type: "header", text: plain(`History · ${customer.account}`, 150) },
    {
      type: "context",
      elements: [mrkdwn(md`${code(customer.customerId)} · newest first · page ${page}`)],
    },
  ];
  if (events.items.length === 0)
    blocks.push({
      type: "section",
      text: mrkdwn(md`Nothing has been recorded for *${customer.account}* yet.`),
    });
  for (const event of events.items.slice(0, historyPageSize))
    blocks.push({ type: "section", text: mrkdwn(historyLine(event, currency)) });
  const navigation = entryPageNavigation(
    { actionId: actionIds.historyPage, blockId: "history_pages" },
    customer.customerId,
    events,
    page,
  );
  if (navigation) blocks.push(navigation);
  return { text: md`History of ${customer.account}: page ${page}`, blocks };
}
