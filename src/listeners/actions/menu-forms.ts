import type { Deps } from "../../app/deps.js";
import { answerErrors } from "../answer-errors.js";
import { openCreateForm, openInviteForm } from "../commands/customer/create.js";
import type { ButtonArgs } from "./action-args.js";

function opening(args: ButtonArgs) {
  return {
    client: args.client,
    triggerId: args.body.trigger_id,
    responseUrl: args.body.response_url,
  };
}

/** New customer / Invite customer on the menu and App Home: open the form right away while the trigger is fresh. */
export function menuForms(deps: Deps) {
  return {
    create: async (args: ButtonArgs) => {
      await args.ack();
      await answerErrors(args, () => openCreateForm(deps, opening(args)));
    },
    invite: async (args: ButtonArgs) => {
      await args.ack();
      await answerErrors(args, () => openInviteForm(opening(args)));
    },
  };
}
