import type { MoneyArgs } from "../../grammar/money-grammar.js";
import { actorOf } from "../actor.js";
import type { Deps } from "../deps.js";
import { answerMoneyOutcome } from "../operations/money-outcome.js";
import { openMoneyForm } from "../operations/open-forms.js";
import { type CommandArgs, formOpeningOf, oneCustomer, reply } from "./command-context.js";

/**
 * `/customer balance REF +N|-N reason…` and `/customer credits REF N reason…`; without an amount or a
 * reason, the balance or credits form for REF, with the amount filled in when one was given.
 */
export async function moneyCommand(
  deps: Deps,
  args: CommandArgs,
  command: { name: "balance" | "credits" } & MoneyArgs,
): Promise<void> {
  const customer = await oneCustomer(deps, args, command.ref);
  if (!customer) return;
  if (command.amount === undefined || command.reason === undefined)
    return openMoneyForm(command.name, deps, customer, formOpeningOf(args), command.amount);
  const outcome = await deps.money[command.name === "balance" ? "changeBalance" : "requestCredits"](
    customer.customerId,
    command.amount,
    command.reason,
    actorOf(args.context),
    `command:${args.command.trigger_id}`,
  );
  await reply(args, await answerMoneyOutcome(deps, outcome));
}
