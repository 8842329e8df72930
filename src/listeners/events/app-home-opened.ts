import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { scopeOf } from "../../app/request-scope.js";
import { buildHome } from "../../blocks/home.js";

/** Publishes the Home tab whenever someone opens it. */
export function appHomeOpened() {
  return async ({
    event,
    client,
    context,
  }: SlackEventMiddlewareArgs<"app_home_opened"> & AllMiddlewareArgs): Promise<void> => {
    if (event.tab !== "home") return;
    const scope = scopeOf(context);
    try {
      await client.views.publish({ user_id: event.user, view: buildHome(scope.role) });
    } catch (error) {
      scope.log.error({ err: error }, "could not publish App Home");
    }
  };
}
