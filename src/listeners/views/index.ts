import type { App } from "@slack/bolt";
import type { Deps } from "../../app/deps.js";
import { viewIds } from "../../blocks/action-ids.js";
import { createCustomerSubmission } from "./create-customer.js";
import { editCustomerSubmission } from "./edit-customer.js";
import { inviteSubmission } from "./invite-customer.js";
import { balanceSubmission, creditsSubmission, rejectSubmission } from "./money-forms.js";
import { setTagSubmission } from "./set-tag.js";

export function register(app: App, deps: Deps): void {
  app.view(viewIds.createCustomer, createCustomerSubmission(deps));
  app.view(viewIds.editCustomer, editCustomerSubmission(deps));
  app.view(viewIds.setTag, setTagSubmission(deps));
  app.view(viewIds.invite, inviteSubmission(deps));
  app.view(viewIds.balance, balanceSubmission(deps));
  app.view(viewIds.credits, creditsSubmission(deps));
  app.view(viewIds.reject, rejectSubmission(deps));
}
