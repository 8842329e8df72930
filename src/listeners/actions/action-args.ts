import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { z } from "zod";
import { approvalIdValue, customerRefValue, resetIdValue } from "../../blocks/button-values.js";
import { decodeEntryPage, type EntryPageTarget } from "../../blocks/entry-page-value.js";
import { AppError } from "../../errors/app-error.js";
import { invalidPageButton } from "../operations/invalid-page-button.js";
import type { FormOpening } from "../operations/open-forms.js";
import { scopeOf } from "../request-scope.js";

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** The clicked element's value (buttons carry one); untrusted until a schema has checked it. */
export function actionValue(args: ButtonArgs): string | undefined {
  const action = args.action as { value?: unknown };
  return typeof action.value === "string" ? action.value : undefined;
}

/** What opening a form from a button needs: the fresh trigger, and where to answer afterwards. */
export function formOpeningFrom(args: ButtonArgs): FormOpening {
  return {
    client: scopeOf(args.context).modalClient,
    triggerId: args.body.trigger_id,
    responseUrl: args.body.response_url,
  };
}

/** The button's value as `schema` reads it; a forged or damaged value is refused with `refusal`. */
function checkedValue<T>(args: ButtonArgs, schema: z.ZodType<T>, refusal: string): T {
  const value = schema.safeParse(actionValue(args));
  if (!value.success) throw new AppError("invalid_input", refusal);
  return value.data;
}

/** The customer ID a card or list button carries. */
export function customerIdOf(args: ButtonArgs): string {
  return checkedValue(
    args,
    customerRefValue,
    "That button does not name a customer. Look the customer up again.",
  );
}

/** The approval request an Approve or Reject button names. */
export function approvalIdOf(args: ButtonArgs): string {
  return checkedValue(args, approvalIdValue, "That button does not name an approval request.");
}

/** The password reset a Confirm, Generate another or Cancel button names. */
export function resetIdOf(args: ButtonArgs): string {
  return checkedValue(
    args,
    resetIdValue,
    "That button does not name a password reset. Start again with `/customer password REF`.",
  );
}

/** The customer and cursor a Previous/Next button asks for; `command` is how to start over. */
export function entryPageOf(args: ButtonArgs, command: string): EntryPageTarget {
  const target = decodeEntryPage(actionValue(args));
  if (!target) throw invalidPageButton(command);
  return target;
}
