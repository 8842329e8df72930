import { answerErrors } from "../answer-errors.js";
import type { Deps } from "../deps.js";
import { customerHistory, historyCommand } from "../operations/customer-history.js";
import { replyPrivately } from "../reply.js";
import { type ButtonArgs, customerIdOf, entryPageOf } from "./action-args.js";

/** The card's History button (a new message) and the history's Previous/Next (replacing it). */
export function historyButtons(deps: Deps) {
  return {
    open: async (args: ButtonArgs) => {
      await args.ack();
      await answerErrors(args, async () => {
        const customerId = customerIdOf(args);
        await replyPrivately(
          args,
          await customerHistory(deps, await deps.customers.get(customerId)),
        );
      });
    },
    page: async (args: ButtonArgs) => {
      await args.ack();
      await answerErrors(args, async () => {
        const { customerId, cursor } = entryPageOf(args, historyCommand);
        const page = await customerHistory(deps, await deps.customers.get(customerId), cursor);
        await replyPrivately(args, page, { replaceOriginal: true });
      });
    },
  };
}
