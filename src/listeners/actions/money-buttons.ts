import { approvalIdValue } from "../../blocks/button-values.js";
import { buildPoolStatus } from "../../blocks/pool-status.js";
import { actorOf } from "../actor.js";
import { answerErrors } from "../answer-errors.js";
import type { Deps } from "../deps.js";
import { openApproveForm, openMoneyForm, openRejectForm } from "../operations/open-forms.js";
import { pendingApprovals } from "../operations/pending-approvals.js";
import { replyPrivately } from "../reply.js";
import {
  actionValue,
  approvalIdOf,
  type ButtonArgs,
  customerIdOf,
  formOpeningFrom,
} from "./action-args.js";

/**
 * Buttons that move money or lead to it: the card's Manage balance/credits, Approve and Reject (each
 * opens its form, after the same checks the decision makes), and the menu's pool and approvals.
 */
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
      const approval = await deps.approvals.approvable(approvalIdOf(args), actor);
      await openApproveForm(deps, approval, formOpeningFrom(args));
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
