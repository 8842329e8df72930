import type {
  AllMiddlewareArgs,
  App,
  GlobalShortcut,
  SlackShortcutMiddlewareArgs,
} from "@slack/bolt";
import { shortcutIds } from "../../blocks/action-ids.js";
import { answerErrors } from "../answer-errors.js";
import type { Deps } from "../deps.js";
import {
  type FormOpening,
  openCreateForm,
  openMoneyForm,
  openPickCustomerForm,
} from "../operations/open-forms.js";
import { scopeOf } from "../request-scope.js";
import { requestChangeForMessage } from "./message-change.js";

type GlobalShortcutArgs = SlackShortcutMiddlewareArgs<GlobalShortcut> & AllMiddlewareArgs;

/**
 * A global shortcut's form opens with the shortcut's fresh trigger; there is no conversation, so
 * the answer comes as a direct message (or in the modal itself).
 */
function globalShortcut(open: (opening: FormOpening) => Promise<void>) {
  return async (args: GlobalShortcutArgs): Promise<void> => {
    await args.ack();
    const opening = {
      client: scopeOf(args.context).modalClient,
      triggerId: args.body.trigger_id,
      responseUrl: undefined,
    };
    await answerErrors(args, () => open(opening));
  };
}

/** The global shortcuts and the message shortcut (manifest.yml's `features.shortcuts`). */
export function register(app: App, deps: Deps): void {
  const picker = { picker: {} };
  app.shortcut<GlobalShortcut>(
    { type: "shortcut", callback_id: shortcutIds.findCustomer },
    globalShortcut((opening) => openPickCustomerForm("card", opening)),
  );
  app.shortcut<GlobalShortcut>(
    { type: "shortcut", callback_id: shortcutIds.newCustomer },
    globalShortcut(openCreateForm),
  );
  app.shortcut<GlobalShortcut>(
    { type: "shortcut", callback_id: shortcutIds.changeBalance },
    globalShortcut((opening) => openMoneyForm("balance", deps, picker, opening)),
  );
  app.shortcut<GlobalShortcut>(
    { type: "shortcut", callback_id: shortcutIds.requestCredits },
    globalShortcut((opening) => openMoneyForm("credits", deps, picker, opening)),
  );
  app.shortcut(
    { type: "message_action", callback_id: shortcutIds.requestChange },
    requestChangeForMessage(deps),
  );
}
