import { buildCustomerHistory, historyPageSize } from "../../blocks/customer-history.js";
import type { EntryPageTarget } from "../../blocks/entry-page-value.js";
import type { SlackMessage } from "../../blocks/message.js";
import type { Customer } from "../../customers/customer.js";
import type { Deps } from "../deps.js";
import { invalidPageButton } from "./invalid-page-button.js";

export const historyCommand = "/customer history REF";

/** One page of a customer's audit trail: the newest, or older/newer than an event a button names. */
export async function customerHistory(
  deps: Deps,
  customer: Customer,
  cursor: EntryPageTarget["cursor"] | null = null,
): Promise<SlackMessage> {
  const events = await deps.audit.pageForCustomer(customer.customerId, cursor, historyPageSize);
  if (!events) throw invalidPageButton(historyCommand);
  const page = cursor && events.newer ? cursor.page : 1;
  return buildCustomerHistory(customer, { events, page }, deps.config.currency);
}
