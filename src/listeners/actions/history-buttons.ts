import { answerErrors } from "../answer-errors.js";
import type { Deps } from "../deps.js";
import { customerHistory } from "../operations/customer-history.js";
import { replyPrivately } from "../reply.js";
import { type ButtonArgs, customerIdOf, customerPageOf } from "./action-args.js";

/** The card's History button (a new message) and the history's Previous/Next (replacing it). */
export function historyButtons(deps: Deps) {
  return {
    open: async (args: ButtonArgs) => {
      await args.ack();
      await answerErrors(args, async () => {
        const customerId = customerIdOf(args);
        await replyPrivately(
          args,
          await customerHistory(deps, await deps.customers.get(customerId), 0),
        );
      });
    },
    page: async (args: ButtonArgs) => {
      await args.ack();
      await answerErrors(args, async () => {
        const target = customerPageOf(args, "/customer history REF");
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
