import { buildChangeSummary } from "../../blocks/change-summary.js";
import { md } from "../../blocks/mrkdwn.js";
import { actorOf } from "../actor.js";
import type { Deps } from "../deps.js";
import { openTagForm } from "../operations/open-forms.js";
import { type CommandArgs, formOpeningOf, oneCustomer, reply } from "./command-context.js";

/** `/customer tag REF TAG|none` sets or clears the tag; `/customer tag REF` opens the tag form. */
export async function tagCommand(
  deps: Deps,
  args: CommandArgs,
  command: { ref: string; tag?: string | null },
): Promise<void> {
  const customer = await oneCustomer(deps, args, command.ref);
  if (!customer) return;
  if (command.tag === undefined) return openTagForm(customer, formOpeningOf(args));
  const change = await deps.lifecycle.setTag(
    customer.customerId,
    command.tag,
    actorOf(args.context),
  );
  const account = change.customer.account;
  const headline = command.tag
    ? md`:label: Tag of *${account}* set.`
    : md`:label: Tag of *${account}* cleared.`;
  await reply(args, buildChangeSummary({ ...change, headline, currency: deps.config.currency }));
}
