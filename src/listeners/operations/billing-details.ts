import type { BillingPageRequest, BillingService } from "../../billing/billing-service.js";
import { buildBillingDetails } from "../../blocks/billing-details.js";
import type { SlackMessage } from "../../blocks/message.js";
import type { Customer } from "../../customers/customer.js";
import type { Deps } from "../deps.js";
import { invalidPageButton } from "./invalid-page-button.js";

export type BillingDeps = Deps & { billing: BillingService };

export const billingCommand = "/customer billing REF";

/**
 * One page of a customer's billing details, for the command and the buttons. Given only an ID (a
 * button's), the customer is read again alongside the billing data — a button's customer must
 * still exist, and its cursor must be one of that customer's entries.
 */
export async function billingDetails(
  deps: BillingDeps,
  customer: Customer | string,
  request: BillingPageRequest = { cursor: null },
): Promise<SlackMessage> {
  const customerId = typeof customer === "string" ? customer : customer.customerId;
  const [current, details] = await Promise.all([
    typeof customer === "string" ? deps.customers.get(customer) : customer,
    deps.billing.details(customerId, request),
  ]);
  if (!details) throw invalidPageButton(billingCommand);
  return buildBillingDetails(current, details, deps.config.currency);
}
