import type { BillingService } from "../../billing/billing-service.js";
import { buildBillingDetails } from "../../blocks/billing-details.js";
import type { SlackMessage } from "../../blocks/message.js";
import type { Customer } from "../../customers/customer.js";
import type { Deps } from "../deps.js";

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
