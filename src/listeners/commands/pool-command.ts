import type { Deps } from "../../app/deps.js";
import type { SlackMessage } from "../../blocks/message.js";
import { buildPoolStatus } from "../../blocks/pool-status.js";
import { AppError } from "../../errors/app-error.js";
import { parseTarget } from "../../grammar/money-grammar.js";
import { formatMoney } from "../../money/currency.js";
import { actorOf, requirePermission } from "../actor.js";
import type { CommandArgs } from "./command-context.js";

/** `/customer pool` shows the pool; `/customer pool set N` (admins) changes its total. */
export async function poolCommand(
  deps: Deps,
  args: CommandArgs,
  text: string,
): Promise<SlackMessage> {
  const words = text.split(" ").filter(Boolean);
  if (words.length === 0) return buildPoolStatus(await deps.pool.status(), deps.config.currency);
  if (words[0]?.toLowerCase() !== "set" || words.length !== 2)
    throw new AppError(
      "invalid_input",
      "Use `/customer pool` to see the pool, or `/customer pool set N` to set its total (admins).",
    );
  const actor = actorOf(args.context);
  if (actor.role !== "admin") {
    await deps.audit.record({
      at: deps.now(),
      actorId: actor.userId,
      actorRole: actor.role,
      action: "pool.setTotal",
      outcome: "refused",
      detail: "only admins change the pool total",
    });
  }
  requirePermission(actor, "pool.setTotal", "change the credit pool's total; only admins can");
  const total = parseTarget(words[1] ?? "", deps.config.currency);
  if (total === null)
    throw new AppError(
      "invalid_input",
      `“${words[1]}” is not an amount. Use digits, e.g. \`/customer pool set 70\` or \`/customer pool set 1,000.00\`.`,
    );
  const { before, after } = await deps.pool.setTotal(total, actor);
  const note = `:white_check_mark: Credit pool total: ${formatMoney(before, deps.config.currency)} → *${formatMoney(after.total, deps.config.currency)}*.`;
  return buildPoolStatus(after, deps.config.currency, note);
}
