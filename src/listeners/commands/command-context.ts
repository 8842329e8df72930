import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { Deps } from "../../app/deps.js";
import { buildCustomerChoices } from "../../blocks/customer-choices.js";
import type { SlackMessage } from "../../blocks/message.js";
import type { Customer } from "../../customers/customer.js";
import { AppError } from "../../errors/app-error.js";
import { replyPrivately } from "../reply.js";

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

export function reply(args: CommandArgs, message: SlackMessage): Promise<void> {
  return replyPrivately(args, message);
}

/**
 * For operations on one customer: resolves REF, or answers with the pick list (each row opens the
 * card, whose buttons then do the operation) and returns null.
 */
export async function oneCustomer(
  deps: Deps,
  args: CommandArgs,
  ref: string,
  usage: string,
): Promise<Customer | null> {
  if (ref === "") throw new AppError("invalid_input", `Say which customer: \`${usage}\`.`);
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
