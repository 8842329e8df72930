import type { Button, KnownBlock } from "@slack/types";
import {
  type BillingDetails,
  billingPageSize,
  type UsageSummary,
  usageSumCap,
} from "../billing/billing-service.js";
import type { UsageCharge } from "../billing/usage-charge.js";
import type { Customer } from "../customers/customer.js";
import {
  isBalanceKind,
  isReversible,
  type LedgerKind,
  type StoredLedgerEntry,
} from "../ledger/ledger-entry.js";
import { type Currency, formatMoney } from "../money/currency.js";
import type { MoneyTotals } from "../money/money-totals.js";
import { actionIds } from "./action-ids.js";
import { entryPageNavigation } from "./entry-page-navigation.js";
import type { SlackMessage } from "./message.js";
import { clipped, code, joinMd, type Mrkdwn, md, mention, slackDate } from "./mrkdwn.js";
import { fromConversation } from "./source-link.js";
import { mrkdwn, plain } from "./text.js";

/** Clipped before escaping, which can make text 5× longer: a section's 3,000 characters still hold it. */
const maxReasonLength = 300;
/** Five of them, escaped, fit one section. */
const maxDescriptionLength = 80;

export const ledgerKindLabels: Record<LedgerKind, string> = {
  "balance.refill": "Balance refill",
  "balance.deduct": "Balance deduction",
  "credits.grant": "Credits granted",
  "credits.return": "Credits returned",
};

function signed(amount: number, currency: Currency): string {
  return `${amount < 0 ? "-" : "+"}${formatMoney(Math.abs(amount), currency)}`;
}

function totalsField(title: string, totals: MoneyTotals, currency: Currency) {
  return mrkdwn(
    joinMd([
      md`*${title}*`,
      md`Refilled ${formatMoney(totals.refilled, currency)}`,
      md`Deducted ${formatMoney(totals.deducted, currency)}`,
      md`Credits granted ${formatMoney(totals.granted, currency)}`,
      md`Credits returned ${formatMoney(totals.returned, currency)}`,
    ]),
    2000,
  );
}

/** How an entry is tied to a reversal: what reversed it, or what it reverses. */
function reversalLine(entry: StoredLedgerEntry): Mrkdwn | null {
  if (entry.reversedBy)
    return md`:leftwards_arrow_with_hook: _Reversed_ by entry ${code(entry.reversedBy)}`;
  if (entry.reverses)
    return md`:leftwards_arrow_with_hook: _Reversal_ of entry ${code(entry.reverses)}`;
  return null;
}

/** Reverse, beside an entry that can still be reversed: it opens the reason form, nothing more. */
function reverseButton(entry: StoredLedgerEntry): Button {
  return {
    type: "button",
    action_id: actionIds.reverseEntry,
    text: plain("Reverse"),
    value: entry.entryId,
  };
}

function entryBlock(entry: StoredLedgerEntry, currency: Currency): KnownBlock {
  const resulting = `${isBalanceKind(entry.kind) ? "balance" : "credits"} ${formatMoney(entry.after, currency)}`;
  const who = [slackDate(entry.at), md`by ${mention(entry.actorId)}`];
  if (entry.approvedBy) who.push(md`approved by ${mention(entry.approvedBy)}`);
  who.push(md`entry ${code(entry.entryId)}`);
  const lines = [
    md`*${ledgerKindLabels[entry.kind]}* ${signed(entry.amount, currency)} → ${resulting}`,
    joinMd(who, md` · `),
    md`Reason: ${entry.reason ? clipped(entry.reason, maxReasonLength) : "—"}`,
  ];
  const reversal = reversalLine(entry);
  if (reversal) lines.push(reversal);
  const source = fromConversation(entry.sourcePermalink);
  if (source) lines.push(source);
  return {
    type: "section",
    text: mrkdwn(joinMd(lines)),
    ...(isReversible(entry) ? { accessory: reverseButton(entry) } : {}),
  };
}

function chargeLine(charge: UsageCharge, currency: Currency): Mrkdwn {
  const description = charge.description
    ? md` · ${clipped(charge.description, maxDescriptionLength)}`
    : "";
  return md`• ${slackDate(charge.at)} · ${formatMoney(charge.amount, currency)}${description}`;
}

function usageBlock(usage: UsageSummary, currency: Currency): KnownBlock {
  // Beyond the cap the sums cover only the latest charges: say so rather than understate.
  const atLeast = usage.complete ? "" : "at least ";
  const sums = md`last 30 days ${atLeast}${formatMoney(usage.last30Days, currency)} · all time ${atLeast}${formatMoney(usage.allTime, currency)}`;
  const heading = usage.complete
    ? md`*Usage charges* · ${sums}`
    : md`*Usage charges* · ${sums} (summed over the latest ${usageSumCap.toLocaleString("en-US")} charges)`;
  const latest = usage.recent.map((charge) => chargeLine(charge, currency));
  const lines = latest.length > 0 ? [heading, md`Latest:`, ...latest] : [heading];
  return { type: "section", text: mrkdwn(joinMd(lines)) };
}

/** Billing details (PRODUCT.md §2.8): totals, usage charges, and one page of the money history. */
export function buildBillingDetails(
  customer: Customer,
  details: BillingDetails,
  currency: Currency,
): SlackMessage {
  const { entries, page, usage } = details;
  const empty = entries.items.length === 0;
  const overview = [
    code(customer.customerId),
    md`Balance ${formatMoney(customer.balance, currency)}`,
    md`Credits ${formatMoney(customer.credits, currency)}`,
  ];
  if (!empty) overview.push(md`changes newest first · page ${page}`);
  const blocks: KnownBlock[] = [
    { type: "header", text: plain(`Billing details · ${customer.account}`, 150) },
    { type: "context", elements: [mrkdwn(joinMd(overview, md` · `))] },
  ];
  if (!empty) {
    blocks.push({
      type: "section",
      fields: [
        totalsField(
          `Last 30 days${details.complete ? "" : " (at least)"}`,
          details.last30Days,
          currency,
        ),
        totalsField(`All time${details.complete ? "" : " (at least)"}`, details.allTime, currency),
      ],
    });
  }
  if (usage) blocks.push(usageBlock(usage, currency));
  blocks.push({ type: "divider" });
  if (empty) blocks.push({ type: "section", text: mrkdwn(md`No balance or credit changes yet.`) });
  // One page at most, so the message never runs past Slack's 50 blocks.
  for (const entry of entries.items.slice(0, billingPageSize))
    blocks.push(entryBlock(entry, currency));
  const navigation = entryPageNavigation(
    { actionId: actionIds.billingPage, blockId: "billing_pages" },
    customer.customerId,
    entries,
    page,
  );
  if (navigation) blocks.push(navigation);
  return {
    text: empty
      ? md`Billing details for ${customer.account}: no balance or credit changes yet`
      : md`Billing details for ${customer.account}: changes newest first, page ${page}`,
    blocks,
  };
}
