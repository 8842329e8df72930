import { z } from "zod";
import { type MenuPick, menuPicks } from "../../blocks/customer-picker.js";
import type { Customer } from "../../customers/customer.js";
import { AppError } from "../../errors/app-error.js";
import { answerErrors } from "../answer-errors.js";
import type { Deps } from "../deps.js";
import { linkedCustomerFor } from "../linked-customer.js";
import {
  type FormOpening,
  openCreateForm,
  openInviteForm,
  openMoneyForm,
  openPickCustomerForm,
  openTagForm,
} from "../operations/open-forms.js";
import { scopeOf } from "../request-scope.js";
import { type ButtonArgs, formOpeningFrom } from "./action-args.js";

const menuPickValue = z.enum(menuPicks);

/**
 * Opens what a menu choice names, starting with the customer picker (preselecting `preselected`,
 * e.g. the customer a channel is linked to): the balance, credits and tag forms carry the picker
 * themselves; the others pick first (Find a customer).
 */
export function openPickedForm(
  deps: Deps,
  choice: MenuPick,
  opening: FormOpening,
  preselected?: Customer,
): Promise<void> {
  const subject = { picker: { preselected } };
  if (choice === "balance" || choice === "credits")
    return openMoneyForm(choice, deps, subject, opening);
  if (choice === "tag") return openTagForm(subject, opening);
  return openPickCustomerForm(choice, opening, preselected);
}

/** In a linked channel (the menu shown there), the form starts with that channel's customer. */
function linkedCustomerOf(deps: Deps, args: ButtonArgs): Promise<Customer | undefined> {
  return linkedCustomerFor(deps, scopeOf(args.context), args.body.channel?.id);
}

/** New customer / Invite customer / Pick a customer / “Act on a customer…” on the menu and App Home: the form opens right away while the trigger is fresh. */
export function menuForms(deps: Deps) {
  return {
    create: async (args: ButtonArgs) => {
      await args.ack();
      await answerErrors(args, () => openCreateForm(formOpeningFrom(args)));
    },
    invite: async (args: ButtonArgs) => {
      await args.ack();
      await answerErrors(args, () => openInviteForm(formOpeningFrom(args)));
    },
    find: async (args: ButtonArgs) => {
      await args.ack();
      await answerErrors(args, async () =>
        openPickCustomerForm("card", formOpeningFrom(args), await linkedCustomerOf(deps, args)),
      );
    },
    pick: async (args: ButtonArgs) => {
      await args.ack();
      await answerErrors(args, async () => {
        const selected = (args.action as { selected_option?: { value?: unknown } }).selected_option
          ?.value;
        const choice = menuPickValue.safeParse(selected);
        if (!choice.success)
          throw new AppError("invalid_input", "That is not one of the menu's choices.");
        const preselected = await linkedCustomerOf(deps, args);
        return openPickedForm(deps, choice.data, formOpeningFrom(args), preselected);
      });
    },
  };
}
