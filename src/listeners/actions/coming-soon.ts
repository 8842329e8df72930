import { answerErrors } from "../answer-errors.js";
import { notYetAvailable } from "../not-yet-available.js";
import { replyPrivately } from "../reply.js";
import type { ButtonArgs } from "./action-args.js";

/** A button whose flow is not built yet says so plainly and changes nothing. */
export function comingSoon(operation: string) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await answerErrors(args, () => replyPrivately(args, notYetAvailable(operation)));
  };
}
