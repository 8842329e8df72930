import { buildPendingApprovals } from "../../blocks/approval-message.js";
import type { SlackMessage } from "../../blocks/message.js";
import type { Deps } from "../deps.js";

/** `/customer approvals` and the menu's Pending approvals: pending requests with Approve/Reject buttons. */
export async function pendingApprovals(deps: Deps): Promise<SlackMessage> {
  const [{ approvals, total }, left] = await Promise.all([
    deps.approvals.listPending(20),
    deps.pool.left(),
  ]);
  return buildPendingApprovals(approvals, total, deps.config.currency, left);
}
