import type { App } from "@slack/bolt";
import { describeRequest } from "../listeners/request-scope.js";
import type { Logger } from "../logging/logger.js";

/** Interactive payloads: Bolt reads their sender as `body.user.id` before any middleware runs. */
const sentByUser = new Set([
  "block_actions",
  "block_suggestion",
  "interactive_message",
  "shortcut",
  "message_action",
  "view_submission",
  "view_closed",
  "dialog_submission",
  "dialog_cancellation",
  "dialog_suggestion",
]);

function namesItsUser(body: Record<string, unknown>): boolean {
  const user = body.user as { id?: unknown } | null | undefined;
  return typeof user === "object" && user !== null && typeof user.id === "string";
}

/**
 * Acks, and logs as a warning, what the app has no answer for, so Slack never sees an HTTP 500 or
 * waits out its 3 s for it:
 * - an interactive payload without a user, which Bolt would fail on (HTTP 500) before any middleware
 *   or listener runs: acked, never processed;
 * - anything no listener acked (a global or message shortcut with no listener, a payload of a type
 *   Bolt cannot tell): acked once every listener is done.
 * Bolt runs every matching listener at once and gives each its own copy of the arguments, so a
 * catch-all listener could not tell whether another one answered; the ack itself is watched here,
 * around all of them. Real shortcut listeners added later ack as usual and this stays silent.
 */
export function ackUnhandledRequests(app: App, logger: Logger): void {
  const processEvent: App["processEvent"] = app.processEvent.bind(app);
  app.processEvent = async (event) => {
    const body = event.body as Record<string, unknown>;
    let acked = false;
    const ack: typeof event.ack = (response) => {
      acked = true;
      return event.ack(response);
    };
    const describe = () => {
      const { userId, kind, name } = describeRequest(body);
      return logger.child({ user: userId, kind, name });
    };
    if (sentByUser.has(String(body.type)) && !namesItsUser(body)) {
      await ack();
      describe().warn("a payload without a user: acked, nothing done");
      return;
    }
    await processEvent({ ...event, ack });
    if (acked) return;
    await ack();
    describe().warn("nothing handles this request: acked, nothing done");
  };
}
