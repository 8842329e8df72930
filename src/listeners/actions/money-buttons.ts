import { approvalIdValue } from "../../blocks/button-values.js";
import { buildNotice } from "../../blocks/message.js";
import { md } from "../../blocks/mrkdwn.js";
import { buildPoolStatus } from "../../blocks/pool-status.js";
import { actorOf } from "../actor.js";
import { answerErrors } from "../answer-errors.js";
import type { Deps } from "../deps.js";
import { openMoneyForm, openRejectForm } from "../operations/open-forms.js";
import { pendingApprovals } from "../operations/pending-approvals.js";
import { replyPrivately } from "../reply.js";
import {
  actionValue,
  approvalIdOf,
  type ButtonArgs,
  customerIdOf,
  formOpeningFrom,
} from "./action-args.js";

/** Buttons that move money or lead to it: the card's Manage balance/credits, Approve, Reject, and the menu's pool and approvals. */
export function moneyButtons(deps: Deps) {
  const handle = (work: (args: ButtonArgs) => Promise<void>) => async (args: ButtonArgs) => {
    await args.ack();
    await answerErrors(args, () => work(args));
  };
  const customerOf = async (args: ButtonArgs) => {
    const customerId = customerIdOf(args);
    return deps.customers.get(customerId);
  };
  return {
    balance: handle(async (args) =>
      openMoneyForm("balance", deps, await customerOf(args), formOpeningFrom(args)),
    ),
    credits: handle(async (args) =>
      openMoneyForm("credits", deps, await customerOf(args), formOpeningFrom(args)),
    ),
    approve: handle(async (args) => {
      const actor = actorOf(args.context);
      const decision = await deps.approvals.approve(approvalIdOf(args), actor);
      const { account, kind } = decision.approval;
      const text =
        kind === "reversal"
          ? decision.kind === "approved"
            ? md`:white_check_mark: Approved: the entry of ${account} is reversed; the requester was told.`
            : md`:warning: Not applied: that entry of ${account} was reversed already (or can no longer be), so the request is marked stale. Nothing was changed.`
          : decision.kind === "approved"
            ? md`:white_check_mark: Approved: ${account}'s ${kind} are now set; the requester was told.`
            : md`:warning: Not applied: ${account}'s ${kind} changed after the request, so it is marked stale. Nothing was changed.`;
      await replyPrivately(args, buildNotice(text));
    }),
    reject: handle(async (args) => {
      const actor = actorOf(args.context);
      const carried = approvalIdValue.safeParse(actionValue(args));
      await deps.approvals.authorizeDecision(actor, carried.success ? carried.data : undefined);
      const approval = await deps.approvals.decidable(approvalIdOf(args), actor);
      await openRejectForm(deps, approval, formOpeningFrom(args));
    }),
    pool: handle(async (args) =>
      replyPrivately(args, buildPoolStatus(await deps.pool.status(), deps.config.currency)),
    ),
    approvals: handle(async (args) => replyPrivately(args, await pendingApprovals(deps))),
  };
}
