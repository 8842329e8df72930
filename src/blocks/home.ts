import type { HomeView, KnownBlock } from "@slack/types";
import type { Approval } from "../approvals/approval.js";
import type { AuditEvent } from "../audit/audit-event.js";
import { can, type Role } from "../auth/roles.js";
import { type Currency, formatMoney } from "../money/currency.js";
import type { PoolStatus } from "../pool/credit-pool.js";
import { approvalButtons, approvalOutcome, approvalSummary } from "./approval-message.js";
import { describeAuditEvent } from "./audit-line.js";
import { noAccessMessage } from "./message.js";
import { clipMd, clipped, joinMd, type Mrkdwn, md } from "./mrkdwn.js";
import { poolGauge } from "./pool-status.js";
import { quickActions } from "./quick-actions.js";
import { mrkdwn, plain } from "./text.js";

/** How much of each list Home shows, so it stays far below Slack's 100 blocks whatever the data. */
export const homeLimits = { pending: 10, myRequests: 5, activity: 10 } as const;

export interface HomeData {
  role: Role;
  viewerId: string;
  pool: PoolStatus;
  pending: { approvals: Approval[]; total: number };
  myRequests: Approval[];
  activity: AuditEvent[];
}

const roleDescriptions: Record<Role, Mrkdwn> = {
  support: md`*support*: look up and manage customers, request credit and large balance changes`,
  manager: md`*manager*: everything support does, plus approve or reject requests`,
  admin: md`*admin*: everything, including the platform's credit pool total`,
};

function linesSection(lines: Mrkdwn[], empty: string): KnownBlock {
  const text = lines.length === 0 ? md`_${empty}_` : joinMd(lines);
  return { type: "section", text: mrkdwn(text) };
}

/** The App Home tab for someone without a role: a short explanation and nothing else. */
export function buildNoAccessHome(): HomeView {
  return {
    type: "home",
    blocks: [
      { type: "header", text: plain("Customer management") },
      { type: "section", text: mrkdwn(noAccessMessage) },
    ],
  };
}

/**
 * The App Home dashboard: the credit pool with a gauge, pending approvals (with Approve/Reject for
 * managers and admins), the viewer's own recent requests, the team's latest activity, quick actions.
 */
export function buildHome(data: HomeData, currency: Currency): HomeView {
  const money = (value: number) => formatMoney(value, currency);
  const decides = can(data.role, "approvals.decide");
  const blocks: KnownBlock[] = [
    { type: "header", text: plain("Customer management") },
    { type: "context", elements: [mrkdwn(md`You are ${roleDescriptions[data.role]}.`)] },
    {
      type: "actions",
      block_id: "home_quick_actions",
      elements: quickActions("Find a customer"),
    },
    { type: "divider" },
    { type: "header", text: plain("Credit pool") },
    {
      type: "section",
      fields: [
        mrkdwn(md`*Total*\n${money(data.pool.total)}`),
        mrkdwn(md`*Granted*\n${money(data.pool.granted)}`),
        mrkdwn(md`*Left*\n${money(data.pool.left)}`),
        mrkdwn(md`*Requested, pending*\n${money(data.pool.pending)}`),
      ],
    },
    { type: "context", elements: [mrkdwn(md`${poolGauge(data.pool)} granted of total`)] },
    { type: "divider" },
    { type: "header", text: plain(`Pending approvals (${data.pending.total})`) },
  ];
  const shown = data.pending.approvals.slice(0, homeLimits.pending);
  if (shown.length === 0)
    blocks.push({ type: "section", text: mrkdwn(md`_Nothing is waiting for approval._`) });
  for (const approval of shown) {
    blocks.push({ type: "section", text: mrkdwn(approvalSummary(approval, currency, null)) });
    if (decides && approval.requestedBy !== data.viewerId) {
      blocks.push({
        type: "actions",
        block_id: `home_approval:${approval.approvalId}`,
        elements: approvalButtons(approval, currency),
      });
    }
  }
  if (data.pending.total > shown.length) {
    blocks.push({
      type: "context",
      elements: [
        mrkdwn(
          md`…and ${data.pending.total - shown.length} more: \`/customer approvals\` lists them.`,
        ),
      ],
    });
  }
  blocks.push(
    { type: "divider" },
    { type: "header", text: plain("Your recent requests") },
    linesSection(
      data.myRequests
        .slice(0, homeLimits.myRequests)
        .map(
          (approval) =>
            md`• ${clipped(approval.account, 80)} (${approval.kind}): ${approvalOutcome(approval, currency)}`,
        ),
      "You have not asked for any approvals.",
    ),
    { type: "divider" },
    { type: "header", text: plain("Latest activity") },
    linesSection(
      data.activity
        .slice(0, homeLimits.activity)
        .map((event) => md`• ${clipMd(describeAuditEvent(event, currency), 290)}`),
      "Nothing has happened yet.",
    ),
  );
  return { type: "home", blocks };
}
