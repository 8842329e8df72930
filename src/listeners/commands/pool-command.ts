import type { SlackMessage } from "../../blocks/message.js";
import { md } from "../../blocks/mrkdwn.js";
import { buildPoolStatus } from "../../blocks/pool-status.js";
import { AppError } from "../../errors/app-error.js";
import type { NewPoolTotal } from "../../grammar/money-grammar.js";
import { formatMoney } from "../../money/currency.js";
import { actorOf } from "../actor.js";
import type { Deps } from "../deps.js";
import type { CommandArgs } from "./command-context.js";

/** `/customer pool` shows the pool; `/customer pool set N` (admins) changes its total. */
export async function poolCommand(
  deps: Deps,
  args: CommandArgs,
  newTotal: NewPoolTotal | undefined,
): Promise<SlackMessage> {
  if (!newTotal) return buildPoolStatus(await deps.pool.status(), deps.config.currency);
  const actor = actorOf(args.context);
  if (!newTotal.ok) {
    // Anyone but an admin is refused whatever total they typed.
    await deps.pool.assertMaySetTotal(actor);
    throw new AppError("invalid_input", newTotal.problem);
  }
  const { before, after } = await deps.pool.setTotal(newTotal.minorUnits, actor);
  const note = md`:white_check_mark: Credit pool total: ${formatMoney(before, deps.config.currency)} → *${formatMoney(after.total, deps.config.currency)}*.`;
  return buildPoolStatus(after, deps.config.currency, note);
}
