import type { WebClient } from "@slack/web-api";
import type { Deps } from "../../../app/deps.js";
import type { Actor } from "../../../auth/actor.js";
import type { SlackMessage } from "../../../blocks/message.js";
import { buildNotice } from "../../../blocks/message.js";
import { buildBalanceModal, buildCreditsModal } from "../../../blocks/money-modals.js";
import { buildBalanceChanged, buildRequestReceipt } from "../../../blocks/money-results.js";
import { parseBalanceArgs, parseCreditsArgs } from "../../../commands/money-grammar.js";
import type { Customer } from "../../../customers/customer.js";
import type { MoneyOutcome } from "../../../ledger/balance-service.js";
import { actorOf } from "../../actor.js";
import { encodeModalMetadata } from "../../modal-metadata.js";
import { openModal } from "../../open-modal.js";
import { type CommandArgs, oneCustomer, reply } from "./command-context.js";
import type { FormOpening } from "./create.js";

/** Turns a money outcome into the requester's answer, posting new approval requests to the channel. */
export async function answerMoneyOutcome(deps: Deps, outcome: MoneyOutcome): Promise<SlackMessage> {
  if (outcome.kind === "already-applied")
    return buildNotice("This change was already applied; nothing more was done.");
  if (outcome.kind === "applied")
    return buildBalanceChanged({ ...outcome, currency: deps.config.currency });
  // Only the delivery that stored the request posts it: a retry arriving while the first is still
  // posting would otherwise put a second message with live buttons in the approvals channel.
  if (!outcome.created)
    return buildNotice("This request was already sent for approval; nothing more was done.");
  const posted = await deps.approvalNotifier.post(outcome.approval);
  return buildRequestReceipt(
    outcome.approval,
    deps.config.currency,
    deps.config.approvalsChannelId,
    posted,
  );
}

export async function openBalanceForm(
  deps: Deps,
  customer: Customer,
  opening: FormOpening,
): Promise<void> {
  const metadata = encodeModalMetadata({
    customerId: customer.customerId,
    responseUrl: opening.responseUrl,
  });
  await openModal(
    opening.client,
    opening.triggerId,
    buildBalanceModal(customer, deps.config.currency, metadata),
  );
}

export async function openCreditsForm(
  deps: Deps,
  customer: Customer,
  opening: FormOpening,
): Promise<void> {
  const metadata = encodeModalMetadata({
    customerId: customer.customerId,
    responseUrl: opening.responseUrl,
  });
  const left = await deps.pool.left();
  await openModal(
    opening.client,
    opening.triggerId,
    buildCreditsModal(customer, left, deps.config.currency, metadata),
  );
}

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
