import type { Customer } from "../customers/customer.js";
import type { Deps } from "./deps.js";
import type { RequestScope } from "./request-scope.js";
import { settle, settledWithin } from "./views/submit-form.js";

/**
 * How long a form waits for the channel's linked customer before opening without it: the trigger
 * it opens with expires 3 s after the click.
 */
export const linkedCustomerWaitMs = 500;

/**
 * The customer the conversation is linked to, for a form opened there to start with; undefined when
 * there is no channel, no link, the link's customer is gone, or the look-up did not answer in
 * `linkedCustomerWaitMs` (the form then opens with an empty picker, which works as well).
 */
export async function linkedCustomerFor(
  deps: Deps,
  scope: RequestScope,
  channelId: string | undefined,
): Promise<Customer | undefined> {
  if (!channelId) return undefined;
  const found = await settledWithin(
    settle(deps.channelLinks.linkedCustomerOf(channelId)),
    linkedCustomerWaitMs,
  );
  if (found?.ok) return found.answer ?? undefined;
  if (found) scope.log.warn({ err: found.error }, "could not read the channel's linked customer");
  return undefined;
}
