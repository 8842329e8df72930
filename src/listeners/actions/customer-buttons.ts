import type { Customer } from "../../customers/customer.js";
import { actorOf } from "../actor.js";
import { answerErrors } from "../answer-errors.js";
import type { Deps } from "../deps.js";
import { openEditForm, openTagForm } from "../operations/open-forms.js";
import { offerPassword } from "../operations/password-offer.js";
import { switchStatus } from "../operations/switch-status.js";
import { replyPrivately } from "../reply.js";
import { type ButtonArgs, customerIdOf, formOpeningFrom } from "./action-args.js";

/** The customer a card button names: its value must be an internal ID of a customer that exists. */
async function customerOf(deps: Deps, args: ButtonArgs): Promise<Customer> {
  const customerId = customerIdOf(args);
  return deps.customers.get(customerId);
}

/** Card buttons: Edit and Set tag open prefilled forms; Reset password offers a password; Enable/Disable apply after Slack's confirm dialog. */
export function cardButtons(deps: Deps) {
  const handle =
    (work: (args: ButtonArgs, customer: Customer) => Promise<void>) => async (args: ButtonArgs) => {
      await args.ack();
      await answerErrors(args, async () => work(args, await customerOf(deps, args)));
    };
  return {
    edit: handle((args, customer) => openEditForm(customer, formOpeningFrom(args))),
    tag: handle((args, customer) => openTagForm(customer, formOpeningFrom(args))),
    password: handle(async (args, customer) => {
      if (
        !(await deps.idempotency.takeDelivery(
          `action:${args.body.user.id}:${args.action.action_ts}`,
          deps.now(),
        ))
      )
        return;
      await replyPrivately(
        args,
        await offerPassword(deps, customer.customerId, actorOf(args.context)),
      );
    }),
    enable: handle(async (args, customer) => {
      await replyPrivately(
        args,
        await switchStatus(deps, customer.customerId, "on", actorOf(args.context)),
        { replaceOriginal: true },
      );
    }),
    disable: handle(async (args, customer) => {
      await replyPrivately(
        args,
        await switchStatus(deps, customer.customerId, "off", actorOf(args.context)),
        { replaceOriginal: true },
      );
    }),
  };
}
