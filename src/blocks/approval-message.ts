import type { Button, KnownBlock } from "@slack/types";
import {
  type Approval,
  type GivenApproval,
  moneyFieldOf,
  type ReversedEntry,
} from "../approvals/approval.js";
import { maxCommentLength } from "../input/approval-comment.js";
import { type Currency, formatMoney } from "../money/currency.js";
import { actionIds } from "./action-ids.js";
import { ledgerKindLabels } from "./billing-details.js";
import { buildNotice, type SlackMessage } from "./message.js";
import { clipMd, clipped, code, joinMd, type Mrkdwn, md, mention, slackDate } from "./mrkdwn.js";
import { fromConversation } from "./source-link.js";
import { mrkdwn, plain } from "./text.js";

const kindLabel = { credits: "Credits", balance: "Balance", reversal: "Reversal" } as const;

function signed(value: number, currency: Currency): string {
  return `${value >= 0 ? "+" : "−"}${formatMoney(Math.abs(value), currency)}`;
}

/** What is asked: customer, current → target, the difference, the pool, who and why. */
export function approvalSummary(
  approval: Approval,
  currency: Currency,
  poolLeft: number | null,
): Mrkdwn {
  if (approval.reverses) return reversalSummary(approval, approval.reverses, currency, poolLeft);
  const lines = [
    md`*${kindLabel[approval.kind]} change* for *${approval.account}* (${code(approval.customerId)})`,
    md`${formatMoney(approval.current, currency)} → *${formatMoney(approval.target, currency)}* (${signed(approval.difference, currency)})`,
  ];
  if (approval.kind === "credits" && poolLeft !== null)
    lines.push(md`Credit pool left: ${formatMoney(poolLeft, currency)}`);
  lines.push(
    md`Requested by ${mention(approval.requestedBy)} ${slackDate(approval.requestedAt)}: _${clipped(approval.reason, 1500)}_`,
  );
  const source = fromConversation(approval.sourcePermalink);
  if (source) lines.push(source);
  const progress = approvalProgress(approval);
  if (progress) lines.push(progress);
  return joinMd(lines);
}

/**
 * What a reversal request asks: which entry (its kind, amount, date and who asked for it), the
 * customer's value now → with it undone, the pool for credits, who asks and why.
 */
export function reversalSummary(
  approval: Approval,
  entry: ReversedEntry,
  currency: Currency,
  poolLeft: number | null,
): Mrkdwn {
  const field = entry.kind;
  const lines = [
    md`*Reversal* for *${approval.account}* (${code(approval.customerId)})`,
    md`Reverse ${code(entry.entryId)} (${ledgerKindLabels[entry.entryKind].toLowerCase()}) of ${signed(entry.amount, currency)} from ${slackDate(entry.at)} by ${mention(entry.actorId)}`,
    md`${kindLabel[field]} ${formatMoney(approval.current, currency)} → *${formatMoney(approval.target, currency)}* (${signed(approval.difference, currency)})`,
  ];
  if (field === "credits" && poolLeft !== null)
    lines.push(md`Credit pool left: ${formatMoney(poolLeft, currency)}`);
  lines.push(
    md`Requested by ${mention(approval.requestedBy)} ${slackDate(approval.requestedAt)}: _${clipped(approval.reason, 1500)}_`,
  );
  return joinMd(lines);
}

/** One given approval: "Approved by @x <when>", with its comment when there is one. */
function givenLine(given: GivenApproval, place: string): Mrkdwn {
  const comment = given.comment ? md`: _${clipped(given.comment, maxCommentLength)}_` : md``;
  return md`Approved by ${mention(given.by)}${place} ${slackDate(given.at)}${comment}`;
}

/**
 * A pending two-person request's progress (null for one that needs one approval or is decided):
 * that it needs two, or "1 of 2 approvals — approved by @x" once the first is given.
 */
export function approvalProgress(approval: Approval): Mrkdwn | null {
  if (approval.approvalsNeeded !== 2 || approval.state !== "pending") return null;
  const [first] = approval.approvals;
  if (!first)
    return md`:busts_in_silhouette: Needs 2 approvals: two different managers or admins, neither the requester.`;
  return md`:ballot_box_with_check: 1 of 2 approvals — ${givenLine(first, "")}. Waiting for a second manager.`;
}

/** Characters of each earlier change's reason shown (as sent, escapes counted): 10 fit one section. */
const reasonShown = 120;

/**
 * Why a change within the limit became a request (the rolling 24 h limit): the requester's earlier
 * direct changes it is summed with — how many, their total, the latest few (when, amount, why).
 * Null for a request that needs a manager on its own.
 */
export function summedChangesBlock(approval: Approval, currency: Currency): KnownBlock | null {
  const summed = approval.summedWith;
  if (!summed) return null;
  const money = (value: number) => formatMoney(value, currency);
  const changes = summed.count === 1 ? "change" : "changes";
  const lines = [
    md`:heavy_plus_sign: Needs a manager because, with the earlier ${summed.count} direct ${changes} by ${mention(approval.requestedBy)} to this customer in 24 h (total ${money(summed.total)}), it would make ${money(summed.total + Math.abs(approval.difference))} and pass the ${money(summed.limit)} limit:`,
    ...summed.latest.map(
      (change) =>
        md`• ${slackDate(change.at)} ${signed(change.amount, currency)} — _${clipMd(clipped(change.reason, reasonShown), reasonShown)}_`,
    ),
  ];
  if (summed.count > summed.latest.length)
    lines.push(md`…and ${summed.count - summed.latest.length} earlier`);
  return { type: "section", text: mrkdwn(joinMd(lines)) };
}

/** The decision line that replaces the buttons once a request is no longer pending. */
export function approvalOutcome(approval: Approval, currency: Currency): Mrkdwn {
  const when = approval.decidedAt ? slackDate(approval.decidedAt) : "";
  const decider = mention(approval.decidedBy ?? "");
  switch (approval.state) {
    case "approved": {
      const pool =
        moneyFieldOf(approval) === "credits" && approval.poolLeftAfter !== undefined
          ? `, credit pool left ${formatMoney(approval.poolLeftAfter, currency)}`
          : "";
      const given = approval.approvals;
      const lines =
        given.length > 0
          ? given.map((one, i) =>
              givenLine(one, given.length > 1 ? ` (${i + 1} of ${given.length})` : ""),
            )
          : [md`Approved by ${decider} ${when}`];
      const result = approval.reverses
        ? md`The entry is reversed (${signed(approval.difference, currency)})${pool}.`
        : md`New ${approval.kind}: *${formatMoney(approval.target, currency)}*${pool}.`;
      return joinMd([...lines.map((line) => md`:white_check_mark: ${line}`), result]);
    }
    case "rejected":
      return md`:x: Rejected by ${decider} ${when}: _${clipped(approval.rejectReason ?? "", 1500)}_`;
    case "expired":
      return md`:hourglass: Expired ${when} without a decision; nothing was changed.`;
    case "stale": {
      if (approval.reverses)
        return md`:warning: Stale: the entry was reversed already, or is no longer one that can be reversed; nothing was changed.`;
      const found =
        approval.foundValue === undefined
          ? ""
          : ` they are now ${formatMoney(approval.foundValue, currency)}, not ${formatMoney(approval.current, currency)};`;
      return md`:warning: Stale: the customer's ${approval.kind} changed after the request (${found} nothing was changed). Ask again with the current value.`;
    }
    case "withdrawn":
      return md`:leftwards_arrow_with_hook: Withdrawn by ${decider} ${when}; nothing was changed.`;
    default:
      return md`:large_yellow_circle: Pending, expires ${slackDate(approval.expiresAt)}.`;
  }
}

export function approvalButtons(approval: Approval): Button[] {
  return [
    {
      type: "button",
      action_id: actionIds.approve,
      text: plain("Approve"),
      style: "primary",
      value: approval.approvalId,
    },
    {
      type: "button",
      action_id: actionIds.reject,
      text: plain("Reject"),
      style: "danger",
      value: approval.approvalId,
    },
  ];
}

/** Withdraw, beside one of the viewer's own pending requests (App Home); it asks before it acts. */
export function withdrawButton(approval: Approval, currency: Currency): Button {
  return {
    type: "button",
    action_id: actionIds.withdraw,
    text: plain("Withdraw"),
    value: approval.approvalId,
    confirm: {
      title: plain("Withdraw this request?", 100),
      text: plain(
        `${approval.account}: ${kindLabel[approval.kind].toLowerCase()} ${formatMoney(approval.current, currency)} → ${formatMoney(approval.target, currency)}. Managers will no longer be able to approve it.`,
        300,
      ),
      confirm: plain("Withdraw", 30),
      deny: plain("Keep it", 30),
      style: "danger",
    },
  };
}

/** The requester's answer after withdrawing a request. */
export function buildWithdrawn(approval: Approval, currency: Currency): SlackMessage {
  const change = md`${formatMoney(approval.current, currency)} → ${formatMoney(approval.target, currency)}`;
  const text = md`:leftwards_arrow_with_hook: Withdrew your ${approval.kind} request for *${approval.account}* (${change}). Nothing was changed, and the approvers' message is being updated to say it was withdrawn.`;
  return buildNotice(text);
}

/** The message in the approvals channel: buttons while pending, the outcome in their place after. */
export function buildApprovalMessage(approval: Approval, currency: Currency): SlackMessage {
  const blocks: KnownBlock[] = [
    {
      type: "section",
      text: mrkdwn(approvalSummary(approval, currency, approval.poolLeftAtRequest)),
    },
  ];
  const summed = summedChangesBlock(approval, currency);
  if (summed) blocks.push(summed);
  if (approval.state === "pending") {
    blocks.push({
      type: "actions",
      block_id: `approval:${approval.approvalId}`,
      elements: approvalButtons(approval),
    });
  }
  blocks.push({ type: "context", elements: [mrkdwn(approvalOutcome(approval, currency))] });
  return {
    text: md`${kindLabel[approval.kind]} change for ${approval.account}: ${approval.state}`,
    blocks,
  };
}

/** `/customer approvals`: pending requests, newest first, with the same buttons. */
export function buildPendingApprovals(
  approvals: Approval[],
  total: number,
  currency: Currency,
  poolLeft: number,
): SlackMessage {
  if (approvals.length === 0)
    return {
      text: md`No pending approvals`,
      blocks: [{ type: "section", text: mrkdwn(md`No requests are waiting for approval.`) }],
    };
  const blocks: KnownBlock[] = [
    { type: "header", text: plain("Pending approvals") },
    {
      type: "context",
      elements: [
        mrkdwn(
          md`${total} pending${total > approvals.length ? `, newest ${approvals.length} shown` : ""} · credit pool left ${formatMoney(poolLeft, currency)}`,
        ),
      ],
    },
  ];
  for (const approval of approvals) {
    blocks.push({ type: "section", text: mrkdwn(approvalSummary(approval, currency, null)) });
    blocks.push({
      type: "actions",
      block_id: `approval:${approval.approvalId}`,
      elements: approvalButtons(approval),
    });
  }
  return { text: md`${total} pending approvals`, blocks };
}
