import { inviteEmailSchema } from "../../input/invite-email.js";
import { actorOf } from "../actor.js";
import type { Deps } from "../deps.js";
import { createInvite } from "../operations/invites.js";
import type { ViewArgs } from "../view-args.js";
import { submitForm } from "./submit-form.js";

/** The invite form: a registration link, optionally bound to an email. */
export function inviteSubmission(deps: Deps) {
  return (args: ViewArgs) =>
    submitForm(args, {
      resultTitle: "Invite link",
      inputs: ["email"],
      validate: (values) => {
        const parsed = inviteEmailSchema.safeParse((values.email ?? "").trim());
        return parsed.success
          ? { ok: true, value: parsed.data }
          : {
              ok: false,
              errors: {
                email:
                  "Enter an email address such as ana@example.com, or leave it empty for any email.",
              },
            };
      },
      apply: (email) => createInvite(deps, email, actorOf(args.context)),
    });
}
