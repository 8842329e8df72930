import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { Deps } from "../deps.js";
import { scopeOf } from "../request-scope.js";

/** The hash Slack sends with the Home it shows (absent the first time); @slack/types leaves it out. */
function homeHashOf(view: unknown): string | undefined {
  const hash = (view as { hash?: unknown } | undefined)?.hash;
  return typeof hash === "string" ? hash : undefined;
}

/** Publishes the Home tab whenever someone opens it, over the Home Slack says is there. */
export function appHomeOpened(deps: Deps) {
  return async ({
    event,
    context,
  }: SlackEventMiddlewareArgs<"app_home_opened"> & AllMiddlewareArgs): Promise<void> => {
    if (event.tab !== "home") return;
    const scope = scopeOf(context);
    try {
      await deps.homeRefresher.publishNow(event.user, scope.role, homeHashOf(event.view));
    } catch (error) {
      scope.log.error({ err: error }, "could not publish App Home");
    }
  };
}
