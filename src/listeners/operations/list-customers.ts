import { buildCustomerList } from "../../blocks/customer-list.js";
import type { SlackMessage } from "../../blocks/message.js";
import type { CustomerQuery } from "../../customers/customer-query.js";
import type { Deps } from "../deps.js";

/** `/customer list …` and the list's page buttons: one page of matching customers. */
export async function listCustomers(
  deps: Deps,
  query: CustomerQuery,
  page: number,
): Promise<SlackMessage> {
  return buildCustomerList(await deps.customers.list(query, page), deps.config.currency);
}
