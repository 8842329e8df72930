import type { Deps } from "../../app/deps.js";
import { customerRefValue } from "../../blocks/button-values.js";
import { decodeCustomerPage } from "../../blocks/customer-page-value.js";
import { AppError } from "../../errors/app-error.js";
import { answerErrors } from "../answer-errors.js";
import { customerHistory } from "../commands/customer/history.js";
import { replyPrivately } from "../reply.js";
import { actionValue, type ButtonArgs } from "./action-args.js";

/** The card's History button (a new message) and the history's Previous/Next (replacing it). */
export function historyButtons(deps: Deps) {
  return {
    open: async (args: ButtonArgs) => {
      await args.ack();
      await answerErrors(args, async () => {
        const customerId = customerRefValue.safeParse(actionValue(args));
        if (!customerId.success)
          throw new AppError(
            "invalid_input",
            "That button does not name a customer. Look the customer up again.",
          );
        await replyPrivately(
          args,
          await customerHistory(deps, await deps.customers.get(customerId.data), 0),
        );
      });
    },
    page: async (args: ButtonArgs) => {
      await args.ack();
      await answerErrors(args, async () => {
        const target = decodeCustomerPage(actionValue(args));
        if (!target)
          throw new AppError(
            "invalid_input",
            "That page button is not valid. Run `/customer history REF` again to start over.",
          );
        const page = await customerHistory(
          deps,
          await deps.customers.get(target.customerId),
          target.page,
        );
        await replyPrivately(args, page, { replaceOriginal: true });
      });
    },
  };
}
