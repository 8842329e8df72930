import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** The clicked element's value (buttons carry one); untrusted until a schema has checked it. */
export function actionValue(args: ButtonArgs): string | undefined {
  const action = args.action as { value?: unknown };
  return typeof action.value === "string" ? action.value : undefined;
}
