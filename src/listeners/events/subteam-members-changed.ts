import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { z } from "zod";
import type { Deps } from "../deps.js";
import { scopeOf } from "../request-scope.js";

const membersChangedSchema = z.object({
  subteam_id: z.string(),
  added_users: z.array(z.string()).default([]),
  removed_users: z.array(z.string()).default([]),
});

/** Someone joined or left a user group: a configured group's stored members change at once. */
export function subteamMembersChanged(deps: Deps) {
  return async ({
    event,
    context,
  }: SlackEventMiddlewareArgs<"subteam_members_changed"> & AllMiddlewareArgs): Promise<void> => {
    const scope = scopeOf(context);
    const parsed = membersChangedSchema.safeParse(event);
    if (!parsed.success) {
      scope.log.warn(
        { issues: parsed.error.issues },
        "ignored a malformed subteam_members_changed",
      );
      return;
    }
    const { subteam_id, added_users, removed_users } = parsed.data;
    try {
      await deps.roles.membersChanged(subteam_id, { added: added_users, removed: removed_users });
    } catch (error) {
      scope.log.error(
        { err: error, usergroup: subteam_id },
        "could not store a user group's member change; the refresher will catch up",
      );
    }
  };
}
