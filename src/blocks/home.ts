import type { HomeView, KnownBlock } from "@slack/types";
import type { Approval } from "../approvals/approval.js";
import type { AuditEvent } from "../audit/audit-event.js";
import { can, type Role } from "../auth/roles.js";
import { type Currency, formatMoney } from "../money/currency.js";
import type { PoolStatus } from "../pool/credit-pool.js";
import { approvalButtons, approvalSummary, withdrawButton } from "./approval-message.js";
import { describeAuditEvent } from "./audit-line.js";
import { noAccessMessage } from "./message.js";
import { clipMd, joinMd, type Mrkdwn, md } from "./mrkdwn.js";
import { poolGauge } from "./pool-status.js";
import { quickActions } from "./quick-actions.js";
import { mrkdwn, plain } from "./text.js";

/**
 * How much of each list Home shows, so it stays far below Slack's 100 blocks whatever the data; the
 * work lists are counted up to `countCap` ("100+").
 */
export const homeLimits = { decidable: 10, ownPending: 5, activity: 10, countCap: 100 } as const;

/** Some of a list, and how many there are (counted up to `homeLimits.countCap`). */
export interface WorkList {
  approvals: Approval[];
  total: number;
}

export interface HomeData {
  role: Role;
  viewerId: string;
  /** When the Home is rendered: what "expires in …" counts from. */
  now: Date;
  pool: PoolStatus;
  /** Others' pending requests the viewer may decide, soonest expiry first (empty for support). */
  decidable: WorkList;
  /** The viewer's own pending requests, newest first. */
  ownPending: WorkList;
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

/** "expires in 3 h 20 min": how long a request has left, rounded down (never more than it has). */
export function timeLeft(expiresAt: Date, now: Date): string {
  const left = expiresAt.getTime() - now.getTime();
  if (left <= 0) return "expiring now";
  const minutes = Math.floor(left / 60_000);
  if (minutes < 1) return "expires in under a minute";
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `expires in ${hoursAndMinutes(minutes)}`;
  return `expires in ${[`${Math.floor(hours / 24)} d`, hours % 24 ? `${hours % 24} h` : ""].filter(Boolean).join(" ")}`;
}

/** "12 h", "1 h 30 min", "45 min" for a whole number of minutes ("" for none). */
export function hoursAndMinutes(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  return [hours ? `${hours} h` : "", minutes % 60 ? `${minutes % 60} min` : ""]
    .filter(Boolean)
    .join(" ");
}

/** "…and 3 more", or "…and 90+ more" when the count reached its cap. */
function andMore(list: WorkList, shown: number, where: Mrkdwn): KnownBlock[] {
  if (list.total <= shown) return [];
  const more =
    list.total >= homeLimits.countCap ? `${homeLimits.countCap - shown}+` : `${list.total - shown}`;
  return [{ type: "context", elements: [mrkdwn(md`…and ${more} more${where}`)] }];
}

function countLabel(list: WorkList): string {
  return list.total >= homeLimits.countCap ? `${homeLimits.countCap}+` : String(list.total);
}

/**
 * "My work": for managers and admins, the requests waiting for their decision (others' requests,
 * soonest expiry first, with Approve/Reject); for everyone, their own pending requests with Withdraw.
 */
function myWorkBlocks(data: HomeData, currency: Currency): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: "header", text: plain("My work") }];
  const left = (approval: Approval) =>
    md`:hourglass_flowing_sand: *${timeLeft(approval.expiresAt, data.now)}*`;
  if (can(data.role, "approvals.decide")) {
    const decidable = data.decidable.approvals.slice(0, homeLimits.decidable);
    blocks.push({
      type: "section",
      text: mrkdwn(md`*Waiting for your decision (${countLabel(data.decidable)})*`),
    });
    if (decidable.length === 0)
      blocks.push({
        type: "context",
        elements: [mrkdwn(md`_Nothing is waiting for your decision._`)],
      });
    for (const approval of decidable) {
      blocks.push(
        {
          type: "section",
          text: mrkdwn(joinMd([left(approval), approvalSummary(approval, currency, null)])),
        },
        {
          type: "actions",
          block_id: `home_approval:${approval.approvalId}`,
          elements: approvalButtons(approval),
        },
      );
    }
    blocks.push(
      ...andMore(data.decidable, decidable.length, md`: \`/customer approvals\` lists them.`),
    );
  }
  const own = data.ownPending.approvals.slice(0, homeLimits.ownPending);
  blocks.push({
    type: "section",
    text: mrkdwn(md`*Your pending requests (${countLabel(data.ownPending)})*`),
  });
  if (own.length === 0)
    blocks.push({
      type: "context",
      elements: [mrkdwn(md`_You have no requests waiting for approval._`)],
    });
  for (const approval of own) {
    blocks.push({
      type: "section",
      text: mrkdwn(joinMd([left(approval), approvalSummary(approval, currency, null)])),
      accessory: withdrawButton(approval, currency),
    });
  }
  blocks.push(
    ...andMore(data.ownPending, own.length, md`: \`/customer approvals\` lists every pending one.`),
  );
  return blocks;
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
 * The App Home dashboard: "My work" (requests to decide, the viewer's own pending requests), the
 * credit pool with a gauge, the team's latest activity, quick actions.
 */
export function buildHome(data: HomeData, currency: Currency): HomeView {
  const money = (value: number) => formatMoney(value, currency);
  const blocks: KnownBlock[] = [
    { type: "header", text: plain("Customer management") },
    { type: "context", elements: [mrkdwn(md`You are ${roleDescriptions[data.role]}.`)] },
    {
      type: "actions",
      block_id: "home_quick_actions",
      elements: quickActions("Find a customer"),
    },
    { type: "divider" },
    ...myWorkBlocks(data, currency),
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
    { type: "header", text: plain("Latest activity") },
    linesSection(
      data.activity
        .slice(0, homeLimits.activity)
        .map((event) => md`• ${clipMd(describeAuditEvent(event, currency), 290)}`),
      "Nothing has happened yet.",
    ),
  ];
  return { type: "home", blocks };
}
