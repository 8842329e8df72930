import { buildLedgerVerification } from "../../blocks/ledger-verification.js";
import { actorOf } from "../actor.js";
import type { Deps } from "../deps.js";
import { type CommandArgs, oneCustomer, reply } from "./command-context.js";

/**
 * `/customer verify REF`: after the ack, recomputes the customer's ledger chain and sums (however
 * long the ledger, the ack never waits on it) and answers privately on the response_url.
 */
export async function verifyCommand(deps: Deps, args: CommandArgs, ref: string): Promise<void> {
  const customer = await oneCustomer(deps, args, ref);
  if (!customer) return;
  const found = await deps.integrity.verifyCustomer(actorOf(args.context), customer);
  await reply(args, buildLedgerVerification(customer.account, found, deps.config.currency));
}
