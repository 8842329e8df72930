import { buildCustomerList } from "../../blocks/customer-list.js";
import type { SlackMessage } from "../../blocks/message.js";
import type { CustomerQuery } from "../../customers/customer-query.js";
import type { ListPageTarget } from "../../customers/customer-service.js";
import type { Deps } from "../deps.js";

/** `/customer list …` (the first page) and the list's page buttons (the page they lead to). */
export async function listCustomers(
  deps: Deps,
  query: CustomerQuery,
  target: ListPageTarget | null = null,
): Promise<SlackMessage> {
  return buildCustomerList(await deps.customers.list(query, target), deps.config.currency);
}
