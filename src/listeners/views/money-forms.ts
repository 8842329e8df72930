import { z } from "zod";
import { buildNotice } from "../../blocks/message.js";
import { md } from "../../blocks/mrkdwn.js";
import { AppError } from "../../errors/app-error.js";
import { reasonSchema } from "../../input/reason.js";
import { amountSchema, targetAmountSchema } from "../../money/amount.js";
import { actorOf } from "../actor.js";
import type { Deps } from "../deps.js";
import type { ModalMetadata } from "../modal-metadata.js";
import { answerMoneyOutcome } from "../operations/money-outcome.js";
import type { ViewArgs } from "../view-args.js";
import { submitForm } from "./submit-form.js";
import { validateForm } from "./validate-form.js";

function customerOf(metadata: ModalMetadata): string {
  if (!metadata.customerId)
    throw new AppError(
      "invalid_input",
      "This form does not say which customer it is for. Open it again from the card.",
    );
  return metadata.customerId;
}

/** Manage balance form: refill or deduct with a reason; large changes by support become requests. */
export function balanceSubmission(deps: Deps) {
  const form = z.object({
    amount: amountSchema(deps.config.currency)
      .refine((amount) => amount.sign === "", {
        error: "Type the amount without a sign; choose Refill or Deduct above.",
      })
      .transform((amount) => amount.minorUnits),
    direction: z.enum(["refill", "deduct"], { error: "Choose Refill or Deduct." }),
    reason: reasonSchema,
  });
  return (args: ViewArgs) =>
    submitForm(args, {
      resultTitle: "Balance",
      inputs: ["direction", "amount", "reason"],
      validate: (values) => validateForm(form, values),
      apply: async ({ amount, direction, reason }, metadata) => {
        const outcome = await deps.money.changeBalance(
          customerOf(metadata),
          direction === "deduct" ? -amount : amount,
          reason,
          actorOf(args.context),
          `view:${args.view.id}`,
        );
        return answerMoneyOutcome(deps, outcome);
      },
      // A refill cannot be refused on a field (only a deduction can exceed the balance).
      ackBeforeApply: ({ direction }) => direction === "refill",
    });
}

/** Manage credits form: a target and a reason; always becomes an approval request. */
export function creditsSubmission(deps: Deps) {
  const form = z.object({ amount: targetAmountSchema(deps.config.currency), reason: reasonSchema });
  return (args: ViewArgs) =>
    submitForm(args, {
      resultTitle: "Credits",
      inputs: ["amount", "reason"],
      validate: (values) => validateForm(form, values),
      apply: async ({ amount, reason }, metadata) => {
        const outcome = await deps.money.requestCredits(
          customerOf(metadata),
          amount,
          reason,
          actorOf(args.context),
          `view:${args.view.id}`,
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
