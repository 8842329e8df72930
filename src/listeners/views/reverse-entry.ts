import { z } from "zod";
import { AppError } from "../../errors/app-error.js";
import { reasonSchema } from "../../input/reason.js";
import { actorOf } from "../actor.js";
import type { Deps } from "../deps.js";
import { answerMoneyOutcome } from "../operations/money-outcome.js";
import type { ViewArgs } from "../view-args.js";
import { submitForm } from "./submit-form.js";
import { validateForm } from "./validate-form.js";

/**
 * The reversal's reason form: a required reason; the entry (from the form's metadata) is read again
 * and must still be the customer's and reversible. It becomes an approval request, always.
 */
export function reverseEntrySubmission(deps: Deps) {
  const form = z.object({ reason: reasonSchema });
  return (args: ViewArgs) =>
    submitForm(args, {
      resultTitle: "Reversal",
      inputs: ["reason"],
      validate: (values) => validateForm(form, values),
      apply: async ({ reason }, metadata) => {
        if (!metadata.entryId || !metadata.customerId)
          throw new AppError(
            "invalid_input",
            "This form does not say which entry it reverses. Open billing details again.",
          );
        const { approval, created } = await deps.reversals.request(
          metadata.entryId,
          metadata.customerId,
          reason,
          actorOf(args.context),
          `view:${args.view.id}`,
        );
        return answerMoneyOutcome(deps, { kind: "requested", approval, created });
      },
    });
}
