import type { WebClient } from "@slack/web-api";
import type { Deps } from "../../app/deps.js";
import type { Actor } from "../../auth/actor.js";
import { parseBalanceArgs, parseCreditsArgs } from "../../grammar/money-grammar.js";
import { actorOf } from "../actor.js";
import { answerMoneyOutcome } from "../operations/money-outcome.js";
import { type FormOpening, openBalanceForm, openCreditsForm } from "../operations/open-forms.js";
import { type CommandArgs, oneCustomer, reply } from "./command-context.js";

function openingOf(args: CommandArgs): FormOpening {
  return {
    client: args.client as WebClient,
    triggerId: args.command.trigger_id,
    responseUrl: args.command.response_url,
  };
}

/** `/customer balance REF +N|-N reason…`; without an amount, the balance form for REF. */
export async function balanceCommand(deps: Deps, args: CommandArgs, text: string): Promise<void> {
  const parsed = parseBalanceArgs(text, deps.config.currency);
  const customer = await oneCustomer(deps, args, parsed.ref, "/customer balance REF +50 reason…");
  if (!customer) return;
  if (parsed.amount === undefined || parsed.reason === undefined)
    return openBalanceForm(deps, customer, openingOf(args));
  const outcome = await deps.money.changeBalance(
    customer.customerId,
    parsed.amount,
    parsed.reason,
    actorOf(args.context),
    `command:${args.command.trigger_id}`,
  );
  await reply(args, await answerMoneyOutcome(deps, outcome));
}

/** `/customer credits REF N reason…`; without an amount, the credits form for REF. */
export async function creditsCommand(deps: Deps, args: CommandArgs, text: string): Promise<void> {
  const parsed = parseCreditsArgs(text, deps.config.currency);
  const customer = await oneCustomer(deps, args, parsed.ref, "/customer credits REF 20 reason…");
  if (!customer) return;
  if (parsed.amount === undefined || parsed.reason === undefined)
    return openCreditsForm(deps, customer, openingOf(args));
  const actor: Actor = actorOf(args.context);
  const outcome = await deps.money.requestCredits(
    customer.customerId,
    parsed.amount,
    parsed.reason,
    actor,
    `command:${args.command.trigger_id}`,
  );
  await reply(args, await answerMoneyOutcome(deps, outcome));
}
