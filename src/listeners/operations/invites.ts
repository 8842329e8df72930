import { z } from "zod";
import type { Deps } from "../../app/deps.js";
import type { Actor } from "../../auth/actor.js";
import { buildInviteLink, buildInviteList } from "../../blocks/invite-messages.js";
import type { SlackMessage } from "../../blocks/message.js";
import { accountSchema } from "../../customers/customer-input.js";
import { AppError } from "../../errors/app-error.js";

/** The optional email an invite is bound to: empty means any email. */
export const inviteEmailSchema = z.union([z.literal("").transform(() => null), accountSchema]);

export function parseInviteEmail(text: string): string | null {
  const parsed = inviteEmailSchema.safeParse(text.trim());
  if (!parsed.success)
    throw new AppError(
      "invalid_input",
      `“${text.trim().slice(0, 80)}” is not an email address. Use \`/customer invite\` or \`/customer invite ana@example.com\`.`,
      { field: "email" },
    );
  return parsed.data;
}

export async function createInvite(
  deps: Deps,
  email: string | null,
  actor: Actor,
): Promise<SlackMessage> {
  return buildInviteLink(await deps.invites.create(email, actor));
}

export async function listInvites(deps: Deps): Promise<SlackMessage> {
  return buildInviteList(await deps.invites.listOpen());
}
