import type { App, BlockAction } from "@slack/bolt";
import { actionIds } from "../../blocks/action-ids.js";
import type { Deps } from "../deps.js";
import { IdRouter } from "../id-router.js";
import { scopeOf } from "../request-scope.js";
import type { ButtonArgs } from "./action-args.js";
import { billingButton, billingPage } from "./billing-buttons.js";
import { cardButtons } from "./customer-buttons.js";
import { historyButtons } from "./history-buttons.js";
import { revokeInvite } from "./invite-buttons.js";
import { listPage } from "./list-page.js";
import { menuForms } from "./menu-forms.js";
import { menuList } from "./menu-list.js";
import { moneyButtons } from "./money-buttons.js";
import { passwordButtons } from "./password-buttons.js";
import { reverseButton } from "./reverse-button.js";
import { showCustomerButton } from "./show-customer.js";
import { withdrawButton } from "./withdraw-button.js";

type ButtonHandler = (args: ButtonArgs) => Promise<void>;

/** Every button, by its action_id. */
function buttonRoutes(deps: Deps): IdRouter<ButtonHandler> {
  const menu = menuForms(deps);
  const card = cardButtons(deps);
  const password = passwordButtons(deps);
  const money = moneyButtons(deps);
  const history = historyButtons(deps);
  return new IdRouter<ButtonHandler>()
    .onPrefix(actionIds.listPage, listPage(deps))
    .on(actionIds.showCustomer, showCustomerButton(deps))
    .on(actionIds.menuList, menuList(deps))
    .on(actionIds.menuCreate, menu.create)
    .on(actionIds.menuInvite, menu.invite)
    .on(actionIds.menuFind, menu.find)
    .on(actionIds.menuPick, menu.pick)
    .on(actionIds.edit, card.edit)
    .on(actionIds.tag, card.tag)
    .on(actionIds.password, card.password)
    .on(actionIds.enable, card.enable)
    .on(actionIds.disable, card.disable)
    .on(actionIds.passwordConfirm, password.confirm)
    .on(actionIds.passwordReplace, password.replace)
    .on(actionIds.passwordCancel, password.cancel)
    .on(actionIds.inviteRevoke, revokeInvite(deps))
    .on(actionIds.balance, money.balance)
    .on(actionIds.credits, money.credits)
    .on(actionIds.approve, money.approve)
    .on(actionIds.reject, money.reject)
    .on(actionIds.withdraw, withdrawButton(deps))
    .on(actionIds.menuPool, money.pool)
    .on(actionIds.menuApprovals, money.approvals)
    .on(actionIds.billing, billingButton(deps))
    .onPrefix(`${actionIds.billingPage}:`, billingPage(deps))
    .on(actionIds.reverseEntry, reverseButton(deps))
    .on(actionIds.history, history.open)
    .onPrefix(`${actionIds.historyPage}:`, history.page);
}

export function register(app: App, deps: Deps): void {
  const routes = buttonRoutes(deps);
  app.action<BlockAction>({ type: "block_actions" }, async (args) => {
    const handler = routes.find(args.action.action_id);
    if (handler) return handler(args);
    // A button this app does not know (e.g. a link button, or an old message): acked, nothing done.
    await args.ack();
    scopeOf(args.context).log.warn({ actionId: args.action.action_id }, "no handler for a button");
  });
}
