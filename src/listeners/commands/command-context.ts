import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { buildCustomerChoices } from "../../blocks/customer-choices.js";
import type { SlackMessage } from "../../blocks/message.js";
import type { Customer } from "../../customers/customer.js";
import type { Deps } from "../deps.js";
import type { FormOpening } from "../operations/open-forms.js";
import { replyPrivately } from "../reply.js";
import { scopeOf } from "../request-scope.js";

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

export function reply(args: CommandArgs, message: SlackMessage): Promise<void> {
  return replyPrivately(args, message);
}

/** What opening a form from the command needs: the fresh trigger, and where to answer afterwards. */
export function formOpeningOf(args: CommandArgs): FormOpening {
  return {
    client: scopeOf(args.context).modalClient,
    triggerId: args.command.trigger_id,
    responseUrl: args.command.response_url,
  };
}

/**
 * For operations on one customer: resolves REF, or answers with the pick list (each row opens the
 * card, whose buttons then do the operation) and returns null.
 */
export async function oneCustomer(
  deps: Deps,
  args: CommandArgs,
  ref: string,
): Promise<Customer | null> {
  const resolution = await deps.customers.resolve(ref);
  if (resolution.kind === "one") return resolution.customer;
  await reply(
    args,
    buildCustomerChoices(
      resolution.ref,
      resolution.customers,
      resolution.total,
      deps.config.currency,
    ),
  );
  return null;
}
