import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { z } from "zod";
import type { Deps } from "../deps.js";
import { scopeOf } from "../request-scope.js";

const subteamUpdatedSchema = z.object({
  subteam: z.object({ id: z.string(), users: z.array(z.string()).optional() }),
});

/**
 * A user group changed: a configured group's stored members are replaced with the list Slack sent,
 * or read again from Slack when it sent none.
 */
export function subteamUpdated(deps: Deps) {
  return async ({
    event,
    context,
  }: SlackEventMiddlewareArgs<"subteam_updated"> & AllMiddlewareArgs): Promise<void> => {
    const scope = scopeOf(context);
    const parsed = subteamUpdatedSchema.safeParse(event);
    if (!parsed.success) {
      scope.log.warn({ issues: parsed.error.issues }, "ignored a malformed subteam_updated");
      return;
    }
    const { id, users } = parsed.data.subteam;
    try {
      await deps.roles.groupUpdated(id, users);
    } catch (error) {
      scope.log.error(
        { err: error, usergroup: id },
        "could not store a user group's members; the refresher will catch up",
      );
    }
  };
}
