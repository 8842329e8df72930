import type { SlackMessage } from "../../blocks/message.js";
import { buildNotice } from "../../blocks/message.js";
import { buildBalanceChanged, buildRequestReceipt } from "../../blocks/money-results.js";
import { md } from "../../blocks/mrkdwn.js";
import { mrkdwn } from "../../blocks/text.js";
import type { MoneyOutcome } from "../../money-changes/money-service.js";
import type { Deps } from "../deps.js";

/** Said under the first outcome when a delivery repeats it (a Slack retry, a double submit). */
const repeatNote = md`This repeats a change already made, so nothing more was done.`;

/**
 * Turns a money outcome into the requester's answer (a new request's post is owed through the
 * outbox). A repeat is answered with what the first delivery did, marked as a repeat.
 */
export async function answerMoneyOutcome(deps: Deps, outcome: MoneyOutcome): Promise<SlackMessage> {
  if (outcome.kind === "already-applied")
    return buildNotice(md`This change was already applied; nothing more was done.`);
  if (outcome.kind === "requested" && !outcome.created && outcome.approval.state !== "pending")
    return buildNotice(
      md`This request was already sent for approval and has since been ${outcome.approval.state}; nothing more was done.`,
    );
  const first =
    outcome.kind === "applied"
      ? buildBalanceChanged({ ...outcome, currency: deps.config.currency })
      : buildRequestReceipt(outcome.approval, deps.config.currency, deps.config.approvalsChannelId);
  const repeated = outcome.kind === "applied" ? outcome.repeated : !outcome.created;
  if (!repeated) return first;
  return {
    text: md`${first.text} (${repeatNote})`,
    blocks: [...first.blocks, { type: "context", elements: [mrkdwn(md`:repeat: ${repeatNote}`)] }],
  };
}
