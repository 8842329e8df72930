import type { AllMiddlewareArgs, BlockSuggestion, SlackOptionsMiddlewareArgs } from "@slack/bolt";
import { recordRefusal } from "../../audit/refusals.js";
import { can } from "../../auth/roles.js";
import {
  customerOption,
  pickerMinQueryLength,
  pickerOptionLimit,
} from "../../blocks/customer-picker.js";
import { cleanUserText } from "../../text/user-text.js";
import { actorOf } from "../actor.js";
import type { Deps } from "../deps.js";
import { scopeOf } from "../request-scope.js";
import { settle, settledWithin } from "../views/submit-form.js";
import { RefusalThrottle } from "./refusal-throttle.js";

export type SuggestionArgs = SlackOptionsMiddlewareArgs<"block_suggestion"> & AllMiddlewareArgs;

/** How long, from its arrival, a picker request may wait for its search before answering with none. */
export const pickerAnswerBudgetMs = 2000;

/** Longer typed text is not a search anyone means (keys are matched by prefix): it gets no options. */
export const maxPickerQueryLength = 100;

/** The typed text as a search, or null when it is too short, too long or holds control characters. */
export function pickerQuery(value: unknown): string | null {
  if (typeof value !== "string" || value.length > maxPickerQueryLength) return null;
  const cleaned = cleanUserText(value, { oneLine: true });
  if (cleaned === null || cleaned.length < pickerMinQueryLength) return null;
  return cleaned;
}

/**
 * The customer picker's options as the person types: one bounded search, no Web API call and no
 * write on the way to the answer. Someone without a role gets none, and their refusal is recorded
 * at most once a minute (per instance).
 */
export function customerSuggestions(deps: Deps) {
  const throttle = new RefusalThrottle();
  return async (args: SuggestionArgs): Promise<void> => {
    const scope = scopeOf(args.context);
    const actor = actorOf(args.context);
    if (!can(actor.role, "customers.read")) {
      await args.ack({ options: [] });
      scope.countAnswer("refused");
      if (!throttle.take(actor.userId, deps.now().getTime())) return;
      await scope.afterAck.run(() =>
        recordRefusal(deps.audit, {
          at: deps.now(),
          actor,
          action: "access.refused",
          detail: `no role for block_suggestion ${(args.body as BlockSuggestion).action_id}`,
          requestId: scope.requestId,
        }).catch((error: unknown) =>
          scope.log.error({ err: error }, "could not record a refusal in the audit trail"),
        ),
      );
      return;
    }
    const query = pickerQuery((args.body as BlockSuggestion).value);
    if (query === null) {
      await args.ack({ options: [] });
      scope.countAnswer("refused");
      return;
    }
    const found = await settledWithin(
      settle(deps.customers.suggest(query, pickerOptionLimit)),
      scope.receivedAt + pickerAnswerBudgetMs - performance.now(),
    );
    if (found?.ok) {
      await args.ack({ options: found.answer.map(customerOption) });
      scope.countAnswer("answered");
      return;
    }
    // Slack drops an answer after 3 s: a slow or failing database gets no options in time instead.
    if (found === null)
      scope.log.warn(
        { budgetMs: pickerAnswerBudgetMs },
        "the picker's search outlasted its budget",
      );
    else scope.log.error({ err: found.error }, "could not list the picker's customers");
    await args.ack({ options: [] });
    scope.countAnswer("error");
  };
}
