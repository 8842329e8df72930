import { buildChangeSummary } from "../../blocks/change-summary.js";
import { md } from "../../blocks/mrkdwn.js";
import { validateCustomerInput } from "../../customers/customer-input.js";
import { AppError } from "../../errors/app-error.js";
import { actorOf } from "../actor.js";
import type { Deps } from "../deps.js";
import type { ViewArgs } from "../view-args.js";
import { submitForm } from "./submit-form.js";

/** The edit form: same validation as create; only applied if nobody changed the customer since it opened. */
export function editCustomerSubmission(deps: Deps) {
  return (args: ViewArgs) =>
    submitForm(args, {
      resultTitle: "Customer updated",
      inputs: ["account", "teamName", "teamType", "companyName"],
      validate: (values) => validateCustomerInput({ ...values, tag: "" }),
      apply: async (input, metadata) => {
        if (!metadata.customerId || metadata.updatedAt === undefined)
          throw new AppError(
            "invalid_input",
            "This form does not say which customer it edits. Open it again from the card.",
          );
        const { tag: _tag, ...basic } = input;
        const change = await deps.lifecycle.edit(
          metadata.customerId,
          basic,
          new Date(metadata.updatedAt),
          actorOf(args.context),
        );
        return buildChangeSummary({
          ...change,
          headline: md`:pencil2: Saved *${change.customer.account}*.`,
          currency: deps.config.currency,
        });
      },
    });
}
