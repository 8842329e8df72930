import type { App } from "@slack/bolt";
import { actionIds } from "../../blocks/action-ids.js";
import type { Deps } from "../deps.js";
import { customerSuggestions } from "./customer-suggestions.js";

/** External selects' options (`block_suggestion`), by action_id; acked with the options themselves. */
export function register(app: App, deps: Deps): void {
  app.options(
    { type: "block_suggestion", action_id: actionIds.customerPicker },
    customerSuggestions(deps),
  );
}
