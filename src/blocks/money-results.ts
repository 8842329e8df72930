import type { Approval } from "../approvals/approval.js";
import { type Currency, formatMoney } from "../money/currency.js";
import { approvalSummary, summedChangesBlock } from "./approval-message.js";
import type { SlackMessage } from "./message.js";
import { channelLink, md } from "./mrkdwn.js";
import { mrkdwn } from "./text.js";

export function buildBalanceChanged(options: {
  account: string;
  before: number;
  after: number;
  currency: Currency;
}): SlackMessage {
  const { before, after, currency } = options;
  const verb = `${after >= before ? "Refilled" : "Deducted"} ${formatMoney(Math.abs(after - before), currency)}.`;
  const from = formatMoney(before, currency);
  const to = formatMoney(after, currency);
  return {
    text: md`${verb} Balance of ${options.account}: ${from} → ${to}`,
    blocks: [
      {
        type: "section",
        text: mrkdwn(md`:moneybag: ${verb} Balance of *${options.account}*: ${from} → *${to}*`),
      },
    ],
  };
}

/** The requester's receipt: what was asked and where managers will decide. */
export function buildRequestReceipt(
  approval: Approval,
  currency: Currency,
  channelId: string,
): SlackMessage {
  const summed = summedChangesBlock(approval, currency);
  const where = md`It is waiting for a manager in ${channelLink(channelId)}; you will get a direct message when it is decided.`;
  return {
    text: md`Approval requested for ${approval.account}`,
    blocks: [
      { type: "section", text: mrkdwn(md`:inbox_tray: *Approval requested.* ${where}`) },
      {
        type: "section",
        text: mrkdwn(approvalSummary(approval, currency, approval.poolLeftAtRequest)),
      },
      ...(summed ? [summed] : []),
    ],
  };
}
