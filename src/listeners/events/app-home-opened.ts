import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { Deps } from "../deps.js";
import { scopeOf } from "../request-scope.js";
import { publishHome } from "./publish-home.js";

/** Publishes the Home tab whenever someone opens it. */
export function appHomeOpened(deps: Deps) {
  return async ({
    event,
    client,
    context,
  }: SlackEventMiddlewareArgs<"app_home_opened"> & AllMiddlewareArgs): Promise<void> => {
    if (event.tab !== "home") return;
    const scope = scopeOf(context);
    try {
      await publishHome(deps, client, event.user, scope.role);
    } catch (error) {
      scope.log.error({ err: error }, "could not publish App Home");
    }
  };
}
