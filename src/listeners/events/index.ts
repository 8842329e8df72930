import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { Deps } from "../deps.js";
import { appHomeOpened } from "./app-home-opened.js";
import { subteamMembersChanged } from "./subteam-members-changed.js";
import { subteamUpdated } from "./subteam-updated.js";

type EventArgs = SlackEventMiddlewareArgs & AllMiddlewareArgs;
type EventHandler = (args: EventArgs) => Promise<void>;

/** The Events API events the app subscribes to: one Bolt listener that looks the handler up by event type (Bolt tries every listener on every request). */
export function register(app: App, deps: Deps): void {
  const handlers = new Map<string, EventHandler>([
    ["app_home_opened", appHomeOpened(deps) as EventHandler],
    ["subteam_members_changed", subteamMembersChanged(deps) as EventHandler],
    ["subteam_updated", subteamUpdated(deps) as EventHandler],
  ]);
  const subscribed = new RegExp(`^(${[...handlers.keys()].join("|")})$`);
  app.event(subscribed, async (args) => {
    await handlers.get(args.event.type)?.(args);
  });
}
