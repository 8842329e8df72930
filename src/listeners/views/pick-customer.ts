import { buildCustomerCard } from "../../blocks/customer-card.js";
import { buildCustomerFormModal } from "../../blocks/customer-form-modal.js";
import type { PickPurpose } from "../../blocks/customer-picker.js";
import { buildErrorNotice, buildNotice, type SlackMessage } from "../../blocks/message.js";
import { md } from "../../blocks/mrkdwn.js";
import type { Customer } from "../../customers/customer.js";
import { isAppError } from "../../errors/app-error.js";
import { isUnexpected, userMessageFor } from "../../errors/user-message.js";
import { actorOf } from "../actor.js";
import { answerErrors } from "../answer-errors.js";
import type { Deps } from "../deps.js";
import { decodeModalMetadata } from "../modal-metadata.js";
import { billingDetails } from "../operations/billing-details.js";
import { customerHistory } from "../operations/customer-history.js";
import { editFormMetadata } from "../operations/open-forms.js";
import { offerPassword } from "../operations/password-offer.js";
import { switchStatus } from "../operations/switch-status.js";
import { replyPrivately } from "../reply.js";
import { scopeOf } from "../request-scope.js";
import { resultModal, submittedValues, type ViewArgs } from "../view-args.js";
import { formCustomerOf, pickedCustomer } from "./form-customer.js";
import { formAckBudgetMs, settle, settledWithin } from "./submit-form.js";

/** What picking `customer` leads to (other than Edit, which is a form): the private answer. */
function answerFor(
  deps: Deps,
  args: ViewArgs,
  purpose: Exclude<PickPurpose, "edit">,
  customer: Customer,
): Promise<SlackMessage> {
  const actor = actorOf(args.context);
  switch (purpose) {
    case "card":
      return Promise.resolve(buildCustomerCard(customer, deps.config.currency));
    case "password":
      return offerPassword(deps, customer.customerId, actor);
    case "billing":
      return billingDetails(deps, customer.customerId);
    case "history":
      return customerHistory(deps, customer);
    case "enable":
      return switchStatus(deps, customer.customerId, "on", actor);
    case "disable":
      return switchStatus(deps, customer.customerId, "off", actor);
    default: {
      const unhandled: never = purpose;
      throw new Error(`no answer for ${String(unhandled)}`);
    }
  }
}

/**
 * Find a customer (and the operations that need one picked first): the picked customer is re-read
 * by ID before the ack (a forged or vanished one is an error on the picker). Edit then becomes the
 * edit form for them; everything else closes the modal and is answered privately — where the menu
 * was, or by direct message when there is no conversation (App Home, a global shortcut).
 */
export function pickCustomerSubmission(deps: Deps) {
  return async (args: ViewArgs): Promise<void> => {
    const scope = scopeOf(args.context);
    const notSaved = (message: SlackMessage) =>
      args.ack({ response_action: "update", view: resultModal("Not done", message) });
    const metadata = decodeModalMetadata(args.view.private_metadata);
    if (!metadata?.purpose)
      return notSaved(
        buildNotice(md`:warning: This form is damaged or out of date. Close it and start again.`),
      );
    const picked = formCustomerOf(args, submittedValues(args), metadata);
    if (!picked.ok) return args.ack({ response_action: "errors", errors: picked.errors });
    const { customerId } = picked.value;
    if (!customerId)
      return notSaved(buildNotice(md`:warning: This form does not say which customer it is for.`));
    const read = await settledWithin(
      settle(pickedCustomer(deps, customerId)),
      scope.receivedAt + formAckBudgetMs - performance.now(),
    );
    if (read === null)
      return notSaved(
        buildErrorNotice("The customer could not be read in time. Please try again in a moment."),
      );
    if (!read.ok) {
      const { error } = read;
      if (isAppError(error) && error.field)
        return args.ack({
          response_action: "errors",
          errors: { [error.field]: error.userMessage },
        });
      if (isUnexpected(error)) scope.log.error({ err: error }, "could not read a picked customer");
      return notSaved(buildErrorNotice(userMessageFor(error, scope.requestId)));
    }
    const customer = read.answer;
    const { purpose, responseUrl } = metadata;
    if (purpose === "edit")
      return args.ack({
        response_action: "update",
        view: buildCustomerFormModal({
          customer,
          privateMetadata: editFormMetadata(customer, responseUrl),
        }),
      });
    await args.ack();
    const target = {
      body: { response_url: responseUrl, user: { id: args.body.user.id } },
      client: args.client,
      context: args.context,
    };
    await answerErrors(target, async () =>
      replyPrivately(target, await answerFor(deps, args, purpose, customer)),
    );
  };
}
