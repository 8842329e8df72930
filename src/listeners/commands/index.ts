import type { App } from "@slack/bolt";
import type { Deps } from "../deps.js";
import { customerCommand } from "./customer-command.js";

export function register(app: App, deps: Deps): void {
  app.command("/customer", customerCommand(deps));
}
