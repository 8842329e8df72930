import type { Deps } from "../../../app/deps.js";
import type { BillingService } from "../../../billing/billing-service.js";
import { buildBillingDetails } from "../../../blocks/billing-details.js";
import type { SlackMessage } from "../../../blocks/message.js";
import type { Customer } from "../../../customers/customer.js";
import { type CommandArgs, oneCustomer, reply } from "./command-context.js";

export type BillingDeps = Deps & { billing: BillingService };

/**
 * One page of a customer's billing details, for the command and the buttons. Given only an ID (a
 * button's), the customer is read alongside the billing data.
 */
export async function billingDetails(
  deps: BillingDeps,
  customer: Customer | string,
  page: number,
): Promise<SlackMessage> {
  const customerId = typeof customer === "string" ? customer : customer.customerId;
  const [current, details] = await Promise.all([
    typeof customer === "string" ? deps.customers.get(customer) : customer,
    deps.billing.details(customerId, page),
  ]);
  return buildBillingDetails(current, details, deps.config.currency);
}

/** `/customer billing REF`: the first page, privately. */
export async function billingCommand(
  deps: BillingDeps,
  args: CommandArgs,
  refText: string,
): Promise<void> {
  const customer = await oneCustomer(deps, args, refText, "/customer billing REF");
  if (customer) await reply(args, await billingDetails(deps, customer, 0));
}
