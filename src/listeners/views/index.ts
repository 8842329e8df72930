import type { App, ViewSubmitAction } from "@slack/bolt";
import { viewIds } from "../../blocks/action-ids.js";
import type { Deps } from "../deps.js";
import { IdRouter } from "../id-router.js";
import { scopeOf } from "../request-scope.js";
import type { ViewArgs } from "../view-args.js";
import { createCustomerSubmission } from "./create-customer.js";
import { editCustomerSubmission } from "./edit-customer.js";
import { inviteSubmission } from "./invite-customer.js";
import {
  approveSubmission,
  balanceSubmission,
  creditsSubmission,
  messageChangeSubmission,
  rejectSubmission,
} from "./money-forms.js";
import { pickCustomerSubmission } from "./pick-customer.js";
import { reverseEntrySubmission } from "./reverse-entry.js";
import { setTagSubmission } from "./set-tag.js";

type SubmissionHandler = (args: ViewArgs) => Promise<void>;

export function register(app: App, deps: Deps): void {
  const routes = new IdRouter<SubmissionHandler>()
    .on(viewIds.createCustomer, createCustomerSubmission(deps))
    .on(viewIds.editCustomer, editCustomerSubmission(deps))
    .on(viewIds.setTag, setTagSubmission(deps))
    .on(viewIds.invite, inviteSubmission(deps))
    .on(viewIds.balance, balanceSubmission(deps))
    .on(viewIds.credits, creditsSubmission(deps))
    .on(viewIds.reject, rejectSubmission(deps))
    .on(viewIds.approve, approveSubmission(deps))
    .on(viewIds.pickCustomer, pickCustomerSubmission(deps))
    .on(viewIds.messageChange, messageChangeSubmission(deps))
    .on(viewIds.reverseEntry, reverseEntrySubmission(deps));
  app.view<ViewSubmitAction>({ type: "view_submission" }, async (args) => {
    const handler = routes.find(args.view.callback_id);
    if (handler) return handler(args);
    // A form this app does not know: acked (the modal closes), nothing done.
    await args.ack();
    scopeOf(args.context).log.warn({ callbackId: args.view.callback_id }, "no handler for a form");
  });
}
