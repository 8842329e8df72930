import type { Button, StaticSelect } from "@slack/types";
import { actionIds } from "./action-ids.js";
import { buildPickMenu } from "./customer-picker.js";
import { plain } from "./text.js";

/**
 * The buttons that start the everyday tasks, on the help menu and on App Home (they differ in how
 * they name the list), and the picker's ways in: Pick a customer (their card) and “Act on a
 * customer…” (each operation's form, starting with the picker).
 */
export function quickActions(listLabel: string): (Button | StaticSelect)[] {
  return [
    { type: "button", action_id: actionIds.menuList, text: plain(listLabel), style: "primary" },
    { type: "button", action_id: actionIds.menuFind, text: plain("Pick a customer") },
    buildPickMenu(),
    { type: "button", action_id: actionIds.menuCreate, text: plain("New customer") },
    { type: "button", action_id: actionIds.menuInvite, text: plain("Invite customer") },
  ];
}
