import { buildCustomerCard } from "../../blocks/customer-card.js";
import { buildCustomerChoices } from "../../blocks/customer-choices.js";
import type { SlackMessage } from "../../blocks/message.js";
import type { Deps } from "../deps.js";

/** `/customer show REF` and bare `/customer REF`: the card, or a short list when REF is ambiguous. */
export async function showCustomer(deps: Deps, ref: string): Promise<SlackMessage> {
  const resolution = await deps.customers.resolve(ref);
  if (resolution.kind === "one")
    return buildCustomerCard(resolution.customer, deps.config.currency);
  return buildCustomerChoices(
    resolution.ref,
    resolution.customers,
    resolution.total,
    deps.config.currency,
  );
}
