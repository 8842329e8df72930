import type { App } from "@slack/bolt";
import type { Deps } from "../deps.js";
import { appHomeOpened } from "./app-home-opened.js";
import { subteamMembersChanged } from "./subteam-members-changed.js";
import { subteamUpdated } from "./subteam-updated.js";

export function register(app: App, deps: Deps): void {
  app.event("app_home_opened", appHomeOpened(deps));
  app.event("subteam_members_changed", subteamMembersChanged(deps));
  app.event("subteam_updated", subteamUpdated(deps));
}
