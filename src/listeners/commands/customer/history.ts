import type { Deps } from "../../../app/deps.js";
import { buildCustomerHistory, historyPageSize } from "../../../blocks/customer-history.js";
import type { SlackMessage } from "../../../blocks/message.js";
import type { Customer } from "../../../customers/customer.js";
import { type CommandArgs, oneCustomer, reply } from "./command-context.js";

/** One page of a customer's audit trail. */
export async function customerHistory(
  deps: Deps,
  customer: Customer,
  page: number,
): Promise<SlackMessage> {
  const { events, total } = await deps.audit.pageForCustomer(
    customer.customerId,
    page * historyPageSize,
    historyPageSize,
  );
  return buildCustomerHistory(customer, { events, total, page }, deps.config.currency);
}

/** `/customer history REF`. */
export async function historyCommand(
  deps: Deps,
  args: CommandArgs,
  refText: string,
): Promise<void> {
  const customer = await oneCustomer(deps, args, refText, "/customer history REF");
  if (customer) await reply(args, await customerHistory(deps, customer, 0));
}
