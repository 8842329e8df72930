import { z } from "zod";
import type { Decision } from "../../approvals/approval-service.js";
import { viewIds } from "../../blocks/action-ids.js";
import { buildNotice } from "../../blocks/message.js";
import { type Mrkdwn, md } from "../../blocks/mrkdwn.js";
import { AppError } from "../../errors/app-error.js";
import { approvalCommentSchema } from "../../input/approval-comment.js";
import { reasonSchema } from "../../input/reason.js";
import { amountSchema, targetAmountSchema } from "../../money/amount.js";
import { actorOf } from "../actor.js";
import type { Deps } from "../deps.js";
import { answerMoneyOutcome } from "../operations/money-outcome.js";
import type { ViewArgs } from "../view-args.js";
import { formCustomerId, formCustomerOf, withFormCustomer } from "./form-customer.js";
import { type FieldErrors, submitForm } from "./submit-form.js";
import { validateForm } from "./validate-form.js";

const noCustomer = "This form does not say which customer it is for. Open it again from the card.";

/** Manage balance form: refill or deduct with a reason; large changes by support become requests. */
export function balanceSubmission(deps: Deps) {
  const form = z.object({
    amount: unsignedAmountSchema(deps),
    direction: z.enum(["refill", "deduct"], { error: "Choose Refill or Deduct." }),
    reason: reasonSchema,
  });
  return (args: ViewArgs) =>
    submitForm(args, {
      resultTitle: "Balance",
      inputs: ["direction", "amount", "reason"],
      validate: (values, metadata) =>
        withFormCustomer(validateForm(form, values), formCustomerOf(args, values, metadata)),
      apply: async ({ amount, direction, reason, customer }) => {
        const outcome = await deps.money.changeBalance(
          await formCustomerId(deps, customer, noCustomer),
          direction === "deduct" ? -amount : amount,
          reason,
          actorOf(args.context),
          `view:${args.view.id}`,
        );
        return answerMoneyOutcome(deps, outcome);
      },
      // A refill to a fixed customer cannot be refused on a field (only a deduction can exceed the
      // balance; a picked customer can be gone).
      ackBeforeApply: ({ direction, customer }) => direction === "refill" && !customer.picked,
    });
}

/** An amount typed without a sign (the form's Refill/Deduct says which way), in minor units. */
function unsignedAmountSchema(deps: Deps) {
  return amountSchema(deps.config.currency)
    .refine((amount) => amount.sign === "", {
      error: "Type the amount without a sign; choose Refill or Deduct above.",
    })
    .transform((amount) => amount.minorUnits);
}

/** Manage credits form: a target and a reason; always becomes an approval request. */
export function creditsSubmission(deps: Deps) {
  const form = z.object({ amount: targetAmountSchema(deps.config.currency), reason: reasonSchema });
  return (args: ViewArgs) =>
    submitForm(args, {
      resultTitle: "Credits",
      inputs: ["amount", "reason"],
      validate: (values, metadata) =>
        withFormCustomer(validateForm(form, values), formCustomerOf(args, values, metadata)),
      apply: async ({ amount, reason, customer }) => {
        const outcome = await deps.money.requestCredits(
          await formCustomerId(deps, customer, noCustomer),
          amount,
          reason,
          actorOf(args.context),
          `view:${args.view.id}`,
        );
        return answerMoneyOutcome(deps, outcome);
      },
    });
}

/**
 * The message shortcut's form: refill, deduct or set credits for the picked customer, keeping the
 * permalink of the message it came from.
 */
export function messageChangeSubmission(deps: Deps) {
  const balanceForm = z.object({
    change: z.enum(["refill", "deduct"]),
    amount: unsignedAmountSchema(deps),
    reason: reasonSchema,
  });
  const creditsForm = z.object({
    change: z.literal("credits"),
    amount: targetAmountSchema(deps.config.currency),
    reason: reasonSchema,
  });
  type MessageChange = { change: "refill" | "deduct" | "credits"; amount: number; reason: string };
  const validate = (
    values: Record<string, string>,
  ): { ok: true; value: MessageChange } | { ok: false; errors: FieldErrors } =>
    values.change === "credits"
      ? validateForm(creditsForm, values)
      : values.change === "refill" || values.change === "deduct"
        ? validateForm(balanceForm, values)
        : { ok: false, errors: { change: "Choose Refill, Deduct or Set credits." } };
  return (args: ViewArgs) =>
    submitForm(args, {
      resultTitle: "Requested",
      inputs: [viewIds.customer, "change", "amount", "reason"],
      validate: (values, metadata) =>
        withFormCustomer(validate(values), formCustomerOf(args, values, metadata)),
      apply: async ({ change, amount, reason, customer }, metadata) => {
        const customerId = await formCustomerId(deps, customer, noCustomer);
        const source = { sourcePermalink: metadata.sourcePermalink };
        const key = `view:${args.view.id}`;
        const actor = actorOf(args.context);
        const outcome =
          change === "credits"
            ? await deps.money.requestCredits(customerId, amount, reason, actor, key, source)
            : await deps.money.changeBalance(
                customerId,
                change === "deduct" ? -amount : amount,
                reason,
                actor,
                key,
                source,
              );
        return answerMoneyOutcome(deps, outcome);
      },
    });
}

/** Reject form: the reason goes to the channel message and to the requester. */
export function rejectSubmission(deps: Deps) {
  const form = z.object({ reason: reasonSchema });
  return (args: ViewArgs) =>
    submitForm(args, {
      resultTitle: "Rejected",
      inputs: ["reason"],
      validate: (values) => validateForm(form, values),
      apply: async ({ reason }, metadata) => {
        if (!metadata.approvalId)
          throw new AppError("invalid_input", "This form does not say which request it rejects.");
        const actor = actorOf(args.context);
        const decision = await deps.approvals.reject(metadata.approvalId, actor, reason);
        return buildNotice(
          md`:x: Rejected ${decision.approval.account}'s ${decision.approval.kind} request; the requester was told why.`,
        );
      },
    });
}

/** Approve form: the optional comment goes with the approval, to the message, the requester and the ledger. */
export function approveSubmission(deps: Deps) {
  const form = z.object({ comment: approvalCommentSchema });
  return (args: ViewArgs) =>
    submitForm(args, {
      resultTitle: "Approved",
      inputs: ["comment"],
      validate: (values) => validateForm(form, values),
      apply: async ({ comment }, metadata) => {
        if (!metadata.approvalId)
          throw new AppError("invalid_input", "This form does not say which request it approves.");
        const actor = actorOf(args.context);
        const decision = await deps.approvals.approve(
          metadata.approvalId,
          actor,
          comment || undefined,
        );
        return buildNotice(approveAnswer(decision));
      },
      // Nothing the approval refuses belongs on the comment: the form closes at once, and the
      // answer goes where the Approve button's went, the message's response_url.
      ackBeforeApply: () => true,
    });
}

/** What the approver is told: applied, stale, or (the first of two) waiting for a second manager. */
function approveAnswer(decision: Decision): Mrkdwn {
  const { account, kind } = decision.approval;
  const change = kind === "reversal" ? "reversal" : `${kind} change`;
  switch (decision.kind) {
    case "first-approval":
      return md`:ballot_box_with_check: 1 of 2 approvals — waiting for a second manager: ${account}'s ${change} applies when another manager or admin approves it. Nothing has changed yet.`;
    case "approved":
      return kind === "reversal"
        ? md`:white_check_mark: Approved: the entry of ${account} is reversed; the requester was told.`
        : md`:white_check_mark: Approved: ${account}'s ${kind} are now set; the requester was told.`;
    default:
      return kind === "reversal"
        ? md`:warning: Not applied: that entry of ${account} was reversed already (or can no longer be), so the request is marked stale. Nothing was changed.`
        : md`:warning: Not applied: ${account}'s ${kind} changed after the request, so it is marked stale. Nothing was changed.`;
  }
}
