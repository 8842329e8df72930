import { z } from "zod";
import { buildChangeSummary } from "../../blocks/change-summary.js";
import { md } from "../../blocks/mrkdwn.js";
import { tagInputSchema } from "../../customers/customer-input.js";
import { actorOf } from "../actor.js";
import type { Deps } from "../deps.js";
import type { ViewArgs } from "../view-args.js";
import { formCustomerId, formCustomerOf, withFormCustomer } from "./form-customer.js";
import { submitForm } from "./submit-form.js";
import { validateForm } from "./validate-form.js";

/** The tag form: sets the tag, or clears it when left empty. */
export function setTagSubmission(deps: Deps) {
  const form = z.object({ tag: tagInputSchema });
  return (args: ViewArgs) =>
    submitForm(args, {
      resultTitle: "Tag saved",
      inputs: ["tag"],
      validate: (values, metadata) =>
        withFormCustomer(validateForm(form, values), formCustomerOf(args, values, metadata)),
      apply: async ({ tag, customer }) => {
        const customerId = await formCustomerId(
          deps,
          customer,
          "This form does not say which customer it tags. Open it again from the card.",
        );
        const change = await deps.lifecycle.setTag(customerId, tag, actorOf(args.context));
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
