import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { customerRefValue } from "../../blocks/button-values.js";
import { AppError } from "../../errors/app-error.js";

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** The clicked element's value (buttons carry one); untrusted until a schema has checked it. */
export function actionValue(args: ButtonArgs): string | undefined {
  const action = args.action as { value?: unknown };
  return typeof action.value === "string" ? action.value : undefined;
}

/** What opening a form from a button needs: the fresh trigger, and where to answer afterwards. */
export function formOpeningFrom(args: ButtonArgs) {
  return {
    client: args.client,
    triggerId: args.body.trigger_id,
    responseUrl: args.body.response_url,
  };
}

/** The customer ID a card or list button carries; a forged or damaged value is refused with a message. */
export function customerIdOf(args: ButtonArgs): string {
  const customerId = customerRefValue.safeParse(actionValue(args));
  if (!customerId.success) {
    throw new AppError(
      "invalid_input",
      "That button does not name a customer. Look the customer up again.",
    );
  }
  return customerId.data;
}
