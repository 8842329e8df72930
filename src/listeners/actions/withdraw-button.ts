import { buildWithdrawn } from "../../blocks/approval-message.js";
import { actorOf } from "../actor.js";
import { answerErrors } from "../answer-errors.js";
import type { Deps } from "../deps.js";
import { replyPrivately } from "../reply.js";
import { approvalIdOf, type ButtonArgs } from "./action-args.js";

/**
 * Withdraw beside one of the viewer's own pending requests (App Home): acked first; the service
 * checks that the clicker asked for it and that it is still pending, and the answer goes privately
 * (a direct message, as App Home has no response_url).
 */
export function withdrawButton(deps: Deps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await answerErrors(args, async () => {
      const withdrawn = await deps.approvals.withdraw(approvalIdOf(args), actorOf(args.context));
      await replyPrivately(args, buildWithdrawn(withdrawn, deps.config.currency));
    });
  };
}
