import { answerErrors } from "../answer-errors.js";
import { type BillingDeps, billingDetails } from "../operations/billing-details.js";
import { replyPrivately } from "../reply.js";
import { type ButtonArgs, customerIdOf, customerPageOf } from "./action-args.js";

/** “Billing details” on the customer card: the first page as a new private message. */
export function billingButton(deps: BillingDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await answerErrors(args, async () => {
      const customerId = customerIdOf(args);
      await replyPrivately(args, await billingDetails(deps, customerId, 0));
    });
  };
}

/** Previous/Next on billing details: replaces the message with the requested page. */
export function billingPage(deps: BillingDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await answerErrors(args, async () => {
      const target = customerPageOf(args, "/customer billing REF");
      await replyPrivately(args, await billingDetails(deps, target.customerId, target.page), {
        replaceOriginal: true,
      });
    });
  };
}
