import type { Button } from "@slack/types";
import { actionIds } from "./action-ids.js";
import { plain } from "./text.js";

/** The buttons that start the everyday tasks, on the help menu and on App Home; they differ in how they name the list. */
export function quickActions(listLabel: string): Button[] {
  return [
    { type: "button", action_id: actionIds.menuList, text: plain(listLabel), style: "primary" },
    { type: "button", action_id: actionIds.menuCreate, text: plain("New customer") },
    { type: "button", action_id: actionIds.menuInvite, text: plain("Invite customer") },
  ];
}
