import type { App } from "@slack/bolt";
import type { Deps } from "../../app/deps.js";
import { actionIds } from "../../blocks/action-ids.js";
import { billingPageActionId } from "../../blocks/billing-page-value.js";
import { billingButton, billingPage } from "./billing-buttons.js";
import { comingSoon } from "./coming-soon.js";
import { cardButtons } from "./customer-buttons.js";
import { revokeInvite } from "./invite-buttons.js";
import { listPage } from "./list-page.js";
import { menuForms } from "./menu-forms.js";
import { menuList } from "./menu-list.js";
import { moneyButtons } from "./money-buttons.js";
import { passwordButtons } from "./password-buttons.js";
import { showCustomerButton } from "./show-customer.js";

/** Buttons whose flows are not built yet, with the name users see. */
const pendingOperations: Record<string, string> = {
  [actionIds.history]: "History",
};

export function register(app: App, deps: Deps): void {
  app.action(new RegExp(`^${actionIds.listPage}`), listPage(deps));
  app.action(actionIds.showCustomer, showCustomerButton(deps));
  app.action(actionIds.menuList, menuList(deps));
  const menu = menuForms(deps);
  app.action(actionIds.menuCreate, menu.create);
  app.action(actionIds.menuInvite, menu.invite);
  const card = cardButtons(deps);
  app.action(actionIds.edit, card.edit);
  app.action(actionIds.tag, card.tag);
  app.action(actionIds.password, card.password);
  app.action(actionIds.enable, card.enable);
  app.action(actionIds.disable, card.disable);
  const password = passwordButtons(deps);
  app.action(actionIds.passwordConfirm, password.confirm);
  app.action(actionIds.passwordReplace, password.replace);
  app.action(actionIds.passwordCancel, password.cancel);
  app.action(actionIds.inviteRevoke, revokeInvite(deps));
  const money = moneyButtons(deps);
  app.action(actionIds.balance, money.balance);
  app.action(actionIds.credits, money.credits);
  app.action(actionIds.approve, money.approve);
  app.action(actionIds.reject, money.reject);
  app.action(actionIds.menuPool, money.pool);
  app.action(actionIds.menuApprovals, money.approvals);
  app.action(actionIds.billing, billingButton(deps));
  app.action(new RegExp(`^${billingPageActionId}:`), billingPage(deps));
  for (const [actionId, operation] of Object.entries(pendingOperations)) {
    app.action(actionId, comingSoon(operation));
  }
}
