import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";

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
