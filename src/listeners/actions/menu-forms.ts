import { answerErrors } from "../answer-errors.js";
import { openCreateForm, openInviteForm } from "../operations/open-forms.js";
import { type ButtonArgs, formOpeningFrom } from "./action-args.js";

/** New customer / Invite customer on the menu and App Home: open the form right away while the trigger is fresh. */
export function menuForms() {
  return {
    create: async (args: ButtonArgs) => {
      await args.ack();
      await answerErrors(args, () => openCreateForm(formOpeningFrom(args)));
    },
    invite: async (args: ButtonArgs) => {
      await args.ack();
      await answerErrors(args, () => openInviteForm(formOpeningFrom(args)));
    },
  };
}
