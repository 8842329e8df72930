import type {
  AllMiddlewareArgs,
  App,
  GlobalShortcut,
  SlackShortcutMiddlewareArgs,
} from "@slack/bolt";
import { shortcutIds } from "../../blocks/action-ids.js";
import { answerErrors } from "../answer-errors.js";
import type { Deps } from "../deps.js";
import { IdRouter } from "../id-router.js";
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

type ShortcutArgs = SlackShortcutMiddlewareArgs & AllMiddlewareArgs;
type ShortcutHandler = (args: ShortcutArgs) => Promise<void>;

/**
 * The global shortcuts and the message shortcut (manifest.yml's `features.shortcuts`): one Bolt
 * listener that looks the handler up by type and callback_id (see IdRouter). A shortcut with no
 * handler is left unacked here, for `ackUnhandledRequests` to ack and log.
 */
export function register(app: App, deps: Deps): void {
  const picker = { picker: {} };
  const global = (open: (opening: FormOpening) => Promise<void>) =>
    globalShortcut(open) as ShortcutHandler;
  const routes = new IdRouter<ShortcutHandler>()
    .on(
      `shortcut:${shortcutIds.findCustomer}`,
      global((opening) => openPickCustomerForm("card", opening)),
    )
    .on(`shortcut:${shortcutIds.newCustomer}`, global(openCreateForm))
    .on(
      `shortcut:${shortcutIds.changeBalance}`,
      global((opening) => openMoneyForm("balance", deps, picker, opening)),
    )
    .on(
      `shortcut:${shortcutIds.requestCredits}`,
      global((opening) => openMoneyForm("credits", deps, picker, opening)),
    )
    .on(
      `message_action:${shortcutIds.requestChange}`,
      requestChangeForMessage(deps) as ShortcutHandler,
    );
  app.shortcut({}, async (args) => {
    await routes.find(`${args.body.type}:${args.body.callback_id}`)?.(args);
  });
}
