import { answerErrors } from "../answer-errors.js";
import { type BillingDeps, billingCommand, billingDetails } from "../operations/billing-details.js";
import { replyPrivately } from "../reply.js";
import { type ButtonArgs, customerIdOf, entryPageOf } from "./action-args.js";

/** “Billing details” on the customer card: the first page as a new private message. */
export function billingButton(deps: BillingDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await answerErrors(args, async () => {
      const customerId = customerIdOf(args);
      await replyPrivately(args, await billingDetails(deps, customerId));
    });
  };
}

/** Previous/Next on billing details: replaces the message with the requested page. */
export function billingPage(deps: BillingDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await answerErrors(args, async () => {
      const { customerId, cursor } = entryPageOf(args, billingCommand);
      await replyPrivately(args, await billingDetails(deps, customerId, { cursor }), {
        replaceOriginal: true,
      });
    });
  };
}
