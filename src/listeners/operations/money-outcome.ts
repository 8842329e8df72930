import type { SlackMessage } from "../../blocks/message.js";
import { buildNotice } from "../../blocks/message.js";
import { buildBalanceChanged, buildRequestReceipt } from "../../blocks/money-results.js";
import { md } from "../../blocks/mrkdwn.js";
import type { MoneyOutcome } from "../../money-changes/money-service.js";
import type { Deps } from "../deps.js";

/** Turns a money outcome into the requester's answer (a new request's post is owed through the outbox). */
export async function answerMoneyOutcome(deps: Deps, outcome: MoneyOutcome): Promise<SlackMessage> {
  if (outcome.kind === "already-applied")
    return buildNotice(md`This change was already applied; nothing more was done.`);
  if (outcome.kind === "applied")
    return buildBalanceChanged({ ...outcome, currency: deps.config.currency });
  if (!outcome.created)
    return buildNotice(md`This request was already sent for approval; nothing more was done.`);
  return buildRequestReceipt(
    outcome.approval,
    deps.config.currency,
    deps.config.approvalsChannelId,
  );
}
