import { decodeListPage } from "../../blocks/list-page-value.js";
import { AppError } from "../../errors/app-error.js";
import { answerErrors } from "../answer-errors.js";
import type { Deps } from "../deps.js";
import { listCustomers } from "../operations/list-customers.js";
import { replyPrivately } from "../reply.js";
import { actionValue, type ButtonArgs } from "./action-args.js";

/** Previous/Next on a list: replaces the message with the requested page. */
export function listPage(deps: Deps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await answerErrors(args, async () => {
      const target = decodeListPage(actionValue(args));
      if (!target) {
        throw new AppError(
          "invalid_input",
          "That page button is not valid. Run `/customer list` again to start over.",
        );
      }
      const page = await listCustomers(deps, target.query, target);
      await replyPrivately(args, page, { replaceOriginal: true });
    });
  };
}
