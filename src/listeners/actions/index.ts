import type { App } from "@slack/bolt";
import type { Deps } from "../../app/deps.js";
import { actionIds } from "../../blocks/action-ids.js";
import { comingSoon } from "./coming-soon.js";
import { listPage } from "./list-page.js";
import { menuList } from "./menu-list.js";
import { showCustomerButton } from "./show-customer.js";

/** Operations on the card and menu whose flows are not built yet, with the name users see. */
const pendingOperations: Record<string, string> = {
  [actionIds.menuCreate]: "New customer",
  [actionIds.menuInvite]: "Invite customer",
  [actionIds.menuPool]: "Credit pool",
  [actionIds.menuApprovals]: "Pending approvals",
  [actionIds.edit]: "Edit",
  [actionIds.balance]: "Manage balance",
  [actionIds.credits]: "Manage credits",
  [actionIds.tag]: "Set tag",
  [actionIds.password]: "Reset password",
  [actionIds.billing]: "Billing details",
  [actionIds.history]: "History",
  [actionIds.enable]: "Enable",
  [actionIds.disable]: "Disable",
};

export function register(app: App, deps: Deps): void {
  app.action(new RegExp(`^${actionIds.listPage}`), listPage(deps));
  app.action(actionIds.showCustomer, showCustomerButton(deps));
  app.action(actionIds.menuList, menuList(deps));
  for (const [actionId, operation] of Object.entries(pendingOperations)) {
    app.action(actionId, comingSoon(operation));
  }
}
