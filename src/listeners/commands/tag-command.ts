import type { Deps } from "../../app/deps.js";
import { buildChangeSummary } from "../../blocks/change-summary.js";
import { escapeMrkdwn } from "../../blocks/text.js";
import { tagRule } from "../../customers/customer.js";
import { tagInputSchema } from "../../customers/customer-input.js";
import { AppError } from "../../errors/app-error.js";
import { actorOf } from "../actor.js";
import { openTagForm } from "../operations/open-forms.js";
import { type CommandArgs, oneCustomer, reply } from "./command-context.js";

/** `/customer tag REF TAG|none` sets or clears (the last word is the tag); `/customer tag REF` opens the tag form. */
export async function tagCommand(deps: Deps, args: CommandArgs, text: string): Promise<void> {
  const words = text.split(" ").filter(Boolean);
  if (words.length <= 1) {
    const customer = await oneCustomer(deps, args, words.join(" "), "/customer tag REF TAG|none");
    if (customer)
      await openTagForm(customer, {
        client: args.client,
        triggerId: args.command.trigger_id,
        responseUrl: args.command.response_url,
      });
    return;
  }
  const word = words.at(-1) ?? "";
  const parsed = tagInputSchema.safeParse(word.toLowerCase() === "none" ? "" : word);
  if (!parsed.success)
    throw new AppError("invalid_input", `\`${word}\` is not a valid tag: ${tagRule}.`);
  const customer = await oneCustomer(
    deps,
    args,
    words.slice(0, -1).join(" "),
    "/customer tag REF TAG|none",
  );
  if (!customer) return;
  const change = await deps.lifecycle.setTag(
    customer.customerId,
    parsed.data,
    actorOf(args.context),
  );
  const account = escapeMrkdwn(change.customer.account);
  const headline = parsed.data
    ? `:label: Tag of *${account}* set.`
    : `:label: Tag of *${account}* cleared.`;
  await reply(args, buildChangeSummary({ ...change, headline, currency: deps.config.currency }));
}
