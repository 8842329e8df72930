import { z } from "zod";
import { buildChangeSummary } from "../../blocks/change-summary.js";
import { md } from "../../blocks/mrkdwn.js";
import { tagInputSchema } from "../../customers/customer-input.js";
import { AppError } from "../../errors/app-error.js";
import { actorOf } from "../actor.js";
import type { Deps } from "../deps.js";
import type { ViewArgs } from "../view-args.js";
import { submitForm } from "./submit-form.js";
import { validateForm } from "./validate-form.js";

/** The tag form: sets the tag, or clears it when left empty. */
export function setTagSubmission(deps: Deps) {
  const form = z.object({ tag: tagInputSchema });
  return (args: ViewArgs) =>
    submitForm(args, {
      resultTitle: "Tag saved",
      inputs: ["tag"],
      validate: (values) => validateForm(form, values),
      apply: async ({ tag }, metadata) => {
        if (!metadata.customerId)
          throw new AppError(
            "invalid_input",
            "This form does not say which customer it tags. Open it again from the card.",
          );
        const change = await deps.lifecycle.setTag(metadata.customerId, tag, actorOf(args.context));
        const account = change.customer.account;
        return buildChangeSummary({
          ...change,
          headline: tag
            ? md`:label: Tag of *${account}* set.`
            : md`:label: Tag of *${account}* cleared.`,
          currency: deps.config.currency,
        });
      },
    });
}
