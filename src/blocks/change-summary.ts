import type { Customer } from "../customers/customer.js";
import type { Currency } from "../money/currency.js";
import { buildCustomerCard } from "./customer-card.js";
import type { SlackMessage } from "./message.js";
import { code, joinMd, type Mrkdwn, md } from "./mrkdwn.js";
import { mrkdwn } from "./text.js";

const fieldLabels: Record<string, string> = {
  account: "Account",
  teamName: "Team name",
  teamType: "Team type",
  companyName: "Company",
  tag: "Tag",
  status: "Status",
};

function show(value: unknown): Mrkdwn {
  return value === null || value === undefined || value === "" ? md`—` : code(String(value));
}

/** What a change did, field by field (before → after), above the customer's updated card. */
export function buildChangeSummary(options: {
  customer: Customer;
  changes: Record<string, [unknown, unknown]>;
  headline: Mrkdwn;
  currency: Currency;
}): SlackMessage {
  const lines = Object.entries(options.changes).map(
    ([field, [before, after]]) =>
      md`• ${fieldLabels[field] ?? field}: ${show(before)} → ${show(after)}`,
  );
  const summary =
    lines.length === 0
      ? md`${options.headline}\nNothing changed: it already had these values.`
      : joinMd([options.headline, ...lines]);
  const card = buildCustomerCard(options.customer, options.currency);
  return {
    text: md`${options.customer.account}: ${lines.length === 0 ? "no change" : `${lines.length} change${lines.length === 1 ? "" : "s"}`}`,
    blocks: [{ type: "section", text: mrkdwn(summary) }, { type: "divider" }, ...card.blocks],
  };
}
