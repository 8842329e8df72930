import type { Deps } from "../../app/deps.js";
import { customerRefValue } from "../../blocks/button-values.js";
import { buildCustomerCard } from "../../blocks/customer-card.js";
import { AppError } from "../../errors/app-error.js";
import { answerErrors } from "../answer-errors.js";
import { replyPrivately } from "../reply.js";
import { actionValue, type ButtonArgs } from "./action-args.js";

/** “Open” on a list row or a pick list: the customer's card as a new private message. */
export function showCustomerButton(deps: Deps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await answerErrors(args, async () => {
      const customerId = customerRefValue.safeParse(actionValue(args));
      if (!customerId.success)
        throw new AppError(
          "invalid_input",
          "That button does not name a customer. Look the customer up again.",
        );
      const customer = await deps.customers.get(customerId.data);
      await replyPrivately(args, buildCustomerCard(customer, deps.config.currency));
    });
  };
}
