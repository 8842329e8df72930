import type { AllMiddlewareArgs, AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import type { ModalView } from "@slack/types";
import type { AuditRepository } from "../../audit/audit-repository.js";
import { recordRefusal } from "../../audit/refusals.js";
import type { RoleResolver } from "../../auth/role-resolver.js";
import {
  buildErrorNotice,
  buildNotice,
  noAccessMessage,
  type SlackMessage,
} from "../../blocks/message.js";
import { plain } from "../../blocks/text.js";
import { isUnexpected, userMessageFor } from "../../errors/user-message.js";
import { replyPrivately } from "../../listeners/reply.js";
import { scopeOf } from "../../listeners/request-scope.js";

/**
 * Checks, on the server, that whoever sent any command, button or modal submission holds a role;
 * refuses everyone else politely and records the refusal. Events pass with the role attached (App
 * Home explains itself to people without one). Finer permissions are checked where they apply.
 * When the role cannot be known yet (a user group never read from Slack) or the database is not
 * reachable, the person is asked to try again: that is an error, not a refusal.
 */
export function accessControlMiddleware(deps: {
  roles: RoleResolver;
  audit: AuditRepository;
}): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const scope = scopeOf(args.context);
    const body = args.body as unknown as Record<string, unknown>;
    const ack = "ack" in args ? (args.ack as (response?: unknown) => Promise<void>) : undefined;
    try {
      scope.role = scope.userId ? await deps.roles.roleOf(scope.userId) : null;
    } catch (error) {
      if (body.type === "event_callback") {
        scope.log.warn({ err: error }, "event skipped: the sender's role is not known");
        return;
      }
      if (body.type !== "view_submission") await ack?.();
      if (isUnexpected(error)) scope.log.error({ err: error }, "could not work out the role");
      else scope.log.info({ err: error }, "role not known yet; asked to try again");
      scope.countAnswer("error");
      await tell(args, ack, "Try again", buildErrorNotice(userMessageFor(error, scope.requestId)));
      return;
    }
    // The picker's options listener answers people without a role itself: no options, and one
    // recorded refusal a minute rather than one per keystroke.
    if (scope.role !== null || body.type === "event_callback" || body.type === "block_suggestion") {
      await args.next();
      return;
    }
    if (body.type !== "view_submission") await ack?.();
    scope.log.warn("refused: no role");
    scope.countAnswer("refused");
    await recordRefusal(deps.audit, {
      at: new Date(),
      actor: { userId: scope.userId ?? "unknown", role: null },
      action: "access.refused",
      detail: `no role for ${String(body.type ?? "command")} ${describeName(body)}`,
      requestId: scope.requestId,
    }).catch((error: unknown) =>
      scope.log.error({ err: error }, "could not record a refusal in the audit trail"),
    );
    await tell(args, ack, "No access", buildNotice(noAccessMessage));
  };
}

function describeName(body: Record<string, unknown>): string {
  if (typeof body.command === "string") return body.command;
  const actions = body.actions as { action_id?: string }[] | undefined;
  if (actions?.[0]?.action_id) return actions[0].action_id;
  if (typeof body.callback_id === "string") return body.callback_id; // a shortcut
  const view = body.view as { callback_id?: string } | undefined;
  return view?.callback_id ?? "";
}

function noticeModal(title: string, notice: SlackMessage): ModalView {
  return {
    type: "modal",
    title: plain(title, 24),
    close: plain("Close", 24),
    blocks: notice.blocks,
  };
}

/**
 * Commands and buttons were acked before the audit write (so it never delays the ack); modals are
 * acked here, with a notice in place of the form.
 */
async function tell(
  args: AnyMiddlewareArgs & AllMiddlewareArgs,
  ack: ((response?: unknown) => Promise<void>) | undefined,
  title: string,
  notice: SlackMessage,
): Promise<void> {
  const body = args.body as unknown as Record<string, unknown>;
  if (body.type === "view_submission") {
    await ack?.({ response_action: "update", view: noticeModal(title, notice) });
    return;
  }
  if (
    typeof body.command === "string" ||
    body.type === "block_actions" ||
    body.type === "message_action"
  ) {
    await replyPrivately({ body: body as never, client: args.client }, notice);
    return;
  }
  // A global shortcut has no conversation to answer in: the notice opens as a modal.
  if (body.type === "shortcut" && typeof body.trigger_id === "string") {
    await scopeOf(args.context)
      .modalClient.views.open({
        trigger_id: body.trigger_id,
        view: noticeModal(title, notice),
      })
      .catch((error: unknown) =>
        scopeOf(args.context).log.warn({ err: error }, "could not show the no-access notice"),
      );
  }
}
