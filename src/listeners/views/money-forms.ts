import type { Deps } from "../../app/deps.js";
import { buildNotice } from "../../blocks/message.js";
import { escapeMrkdwn } from "../../blocks/text.js";
import { AppError } from "../../errors/app-error.js";
import { parseTarget } from "../../grammar/money-grammar.js";
import { hasControlCharacters } from "../../grammar/user-text.js";
import { maxReasonLength } from "../../ledger/balance-service.js";
import { parseAmount } from "../../money/amount.js";
import { actorOf } from "../actor.js";
import { answerMoneyOutcome } from "../operations/money-outcome.js";
import type { ViewArgs } from "../view-args.js";
import { type FieldErrors, submitForm } from "./submit-form.js";

function reasonError(reason: string): string | null {
  if (reason === "") return "Give a reason; it is kept with the change.";
  if (reason.length > maxReasonLength)
    return `The reason is ${reason.length} characters; the most is ${maxReasonLength}.`;
  // Like a reason typed in a command: it is kept in the ledger and audit trail and shown in Slack.
  if (hasControlCharacters(reason))
    return "The reason contains control characters; type it as plain text.";
  return null;
}

/** Manage balance form: refill or deduct with a reason; large changes by support become requests. */
export function balanceSubmission(deps: Deps) {
  return (args: ViewArgs) =>
    submitForm(args, {
      resultTitle: "Balance",
      inputs: ["direction", "amount", "reason"],
      validate: (values) => {
        const errors: FieldErrors = {};
        const amount = parseAmount(values.amount ?? "", deps.config.currency);
        if (!amount.ok) errors.amount = amount.message;
        else if (amount.sign !== "")
          errors.amount = "Type the amount without a sign; choose Refill or Deduct above.";
        const direction = values.direction;
        if (direction !== "refill" && direction !== "deduct")
          errors.direction = "Choose Refill or Deduct.";
        const reason = (values.reason ?? "").trim();
        const problem = reasonError(reason);
        if (problem) errors.reason = problem;
        if (Object.keys(errors).length > 0 || !amount.ok) return { ok: false, errors };
        return {
          ok: true,
          value: { delta: direction === "deduct" ? -amount.minorUnits : amount.minorUnits, reason },
        };
      },
      apply: async ({ delta, reason }, metadata) => {
        if (!metadata.customerId)
          throw new AppError(
            "invalid_input",
            "This form does not say which customer it is for. Open it again from the card.",
          );
        const outcome = await deps.money.changeBalance(
          metadata.customerId,
          delta,
          reason,
          actorOf(args.context),
          `view:${args.view.id}`,
        );
        return answerMoneyOutcome(deps, outcome);
      },
      // A refill cannot be refused on a field (only a deduction can exceed the balance).
      ackBeforeApply: ({ delta }) => delta > 0,
    });
}

/** Manage credits form: a target and a reason; always becomes an approval request. */
export function creditsSubmission(deps: Deps) {
  return (args: ViewArgs) =>
    submitForm(args, {
      resultTitle: "Credits",
      inputs: ["amount", "reason"],
      validate: (values) => {
        const errors: FieldErrors = {};
        const text = (values.amount ?? "").trim();
        const target = parseTarget(text, deps.config.currency);
        if (target === null) {
          const parsed = parseAmount(text, deps.config.currency);
          errors.amount = parsed.ok ? "The target cannot be negative." : parsed.message;
        }
        const reason = (values.reason ?? "").trim();
        const problem = reasonError(reason);
        if (problem) errors.reason = problem;
        if (Object.keys(errors).length > 0 || target === null) return { ok: false, errors };
        return { ok: true, value: { target, reason } };
      },
      apply: async ({ target, reason }, metadata) => {
        if (!metadata.customerId)
          throw new AppError(
            "invalid_input",
            "This form does not say which customer it is for. Open it again from the card.",
          );
        const outcome = await deps.money.requestCredits(
          metadata.customerId,
          target,
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
  return (args: ViewArgs) =>
    submitForm(args, {
      resultTitle: "Rejected",
      inputs: ["reason"],
      validate: (values) => {
        const reason = (values.reason ?? "").trim();
        const problem = reasonError(reason);
        return problem ? { ok: false, errors: { reason: problem } } : { ok: true, value: reason };
      },
      apply: async (reason, metadata) => {
        if (!metadata.approvalId)
          throw new AppError("invalid_input", "This form does not say which request it rejects.");
        const actor = actorOf(args.context);
        const decision = await deps.approvals.reject(metadata.approvalId, actor, reason);
        await deps.approvalNotifier.decided(decision.approval);
        deps.homeRefresher.refresh(actor.userId, actor.role);
        return buildNotice(
          `:x: Rejected ${escapeMrkdwn(decision.approval.account)}'s ${decision.approval.kind} request; the requester was told why.`,
        );
      },
    });
}
