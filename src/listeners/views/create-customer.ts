import { buildCustomerCard } from "../../blocks/customer-card.js";
import { md } from "../../blocks/mrkdwn.js";
import { passwordSection } from "../../blocks/password-messages.js";
import { mrkdwn } from "../../blocks/text.js";
import { validateCustomerInput } from "../../customers/customer-input.js";
import { actorOf } from "../actor.js";
import type { Deps } from "../deps.js";
import type { ViewArgs } from "../view-args.js";
import { submitForm } from "./submit-form.js";

/** The create form: a new customer with an initial password shown once, to the creator only. */
export function createCustomerSubmission(deps: Deps) {
  return (args: ViewArgs) =>
    submitForm(args, {
      resultTitle: "Customer created",
      inputs: ["account", "teamName", "teamType", "companyName", "tag"],
      validate: (values) => validateCustomerInput(values),
      apply: async (input) => {
        const outcome = await deps.lifecycle.create(
          input,
          actorOf(args.context),
          `view:${args.view.id}`,
        );
        if (outcome.kind === "already-created") {
          const already = outcome.customer;
          const said = already
            ? md`This form was already submitted: it created *${already.account}* (${already.customerId}), whose initial password was shown with that first answer. Nothing more was done.`
            : md`This form was already submitted and its customer was created; nothing more was done. Look it up with \`/customer list\`.`;
          return {
            text: md`Already created`,
            blocks: [
              { type: "section", text: mrkdwn(said) },
              ...(already ? buildCustomerCard(already, deps.config.currency).blocks : []),
            ],
          };
        }
        const { customer, password } = outcome.value;
        const card = buildCustomerCard(customer, deps.config.currency);
        return {
          text: md`Customer ${customer.account} created`,
          blocks: [
            passwordSection(
              password,
              md`:white_check_mark: Created *${customer.account}*. Initial password, shown only this once — send it to the customer through a secure channel:`,
            ),
            { type: "divider" },
            ...card.blocks,
          ],
        };
      },
    });
}
