import type { HomeView, KnownBlock } from "@slack/types";
import { noAccessMessage } from "../auth/access-control-middleware.js";
import type { Role } from "../auth/roles.js";
import { actionIds } from "./action-ids.js";
import { mrkdwn, plain } from "./text.js";

const roleDescriptions: Record<Role, string> = {
  support: "*support*: look up and manage customers, request credit and large balance changes",
  manager: "*manager*: everything support does, plus approve or reject requests",
  admin: "*admin*: everything, including the platform's credit pool total",
};

/** The App Home tab: quick actions for staff, a short explanation for everyone else. */
export function buildHome(role: Role | null): HomeView {
  const blocks: KnownBlock[] = [{ type: "header", text: plain("Customer management") }];
  if (role === null) {
    blocks.push({ type: "section", text: mrkdwn(noAccessMessage) });
    return { type: "home", blocks };
  }
  blocks.push(
    { type: "section", text: mrkdwn(`You are ${roleDescriptions[role]}.`) },
    {
      type: "actions",
      block_id: "home_quick_actions",
      elements: [
        {
          type: "button",
          action_id: actionIds.menuList,
          text: plain("Find a customer"),
          style: "primary",
        },
        { type: "button", action_id: actionIds.menuCreate, text: plain("New customer") },
        { type: "button", action_id: actionIds.menuInvite, text: plain("Invite customer") },
      ],
    },
    {
      type: "context",
      elements: [
        mrkdwn(
          "Type `/customer help` in any channel for every command. Answers are visible only to you.",
        ),
      ],
    },
  );
  return { type: "home", blocks };
}
