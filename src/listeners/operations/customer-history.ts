import { buildCustomerHistory, historyPageSize } from "../../blocks/customer-history.js";
import type { SlackMessage } from "../../blocks/message.js";
import type { Customer } from "../../customers/customer.js";
import type { Deps } from "../deps.js";

/** One page of a customer's audit trail. */
export async function customerHistory(
  deps: Deps,
  customer: Customer,
  page: number,
): Promise<SlackMessage> {
  const found = await deps.audit.pageForCustomer(
    customer.customerId,
    page * historyPageSize,
    historyPageSize,
  );
  // Only a forged or very old button asks past the end: show the last page (as billing details do).
  const lastPage = Math.max(0, Math.ceil(found.total / historyPageSize) - 1);
  const { events, total } =
    page > lastPage
      ? await deps.audit.pageForCustomer(
          customer.customerId,
          lastPage * historyPageSize,
          historyPageSize,
        )
      : found;
  return buildCustomerHistory(
    customer,
    { events, total, page: Math.min(page, lastPage) },
    deps.config.currency,
  );
}
