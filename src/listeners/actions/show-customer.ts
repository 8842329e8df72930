import { buildCustomerCard } from "../../blocks/customer-card.js";
import { answerErrors } from "../answer-errors.js";
import type { Deps } from "../deps.js";
import { replyPrivately } from "../reply.js";
import { type ButtonArgs, customerIdOf } from "./action-args.js";

/** “Open” on a list row or a pick list: the customer's card as a new private message. */
export function showCustomerButton(deps: Deps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await answerErrors(args, async () => {
      const customerId = customerIdOf(args);
      const customer = await deps.customers.get(customerId);
      await replyPrivately(args, buildCustomerCard(customer, deps.config.currency));
    });
  };
}
