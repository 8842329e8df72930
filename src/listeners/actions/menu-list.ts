import { answerErrors } from "../answer-errors.js";
import type { Deps } from "../deps.js";
import { listCustomers } from "../operations/list-customers.js";
import { replyPrivately } from "../reply.js";
import type { ButtonArgs } from "./action-args.js";

/** “List customers” in the menu: the first page of everyone. */
export function menuList(deps: Deps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await answerErrors(args, async () => {
      await replyPrivately(args, await listCustomers(deps, {}));
    });
  };
}
