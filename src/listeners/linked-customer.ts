import type { Customer } from "../customers/customer.js";
import type { Deps } from "./deps.js";
import type { RequestScope } from "./request-scope.js";

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
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), linkedCustomerWaitMs);
  });
  const lookUp = deps.channelLinks.linkedCustomerOf(channelId).then(
    (customer) => customer ?? undefined,
    (error: unknown) => {
      scope.log.warn({ err: error }, "could not read the channel's linked customer");
      return undefined;
    },
  );
  try {
    return await Promise.race([lookUp, late]);
  } finally {
    clearTimeout(timer);
  }
}
