/**
 * Refused attempts, in one place: every one is in the audit trail (PRODUCT.md §6), and a permission
 * is checked by the service that owns the operation, on the server, every time.
 */
import type { ClientSession } from "mongodb";
import type { Actor } from "../auth/actor.js";
import { can, type Permission } from "../auth/roles.js";
import { AppError, withPlainPersonRefs } from "../errors/app-error.js";
import type { AuditEvent } from "./audit-event.js";
import type { AuditRepository } from "./audit-repository.js";

export interface Refusal {
  actor: Actor;
  /** The operation that was refused, e.g. `balance.deduct`. */
  action: string;
  target?: AuditEvent["target"];
  /** Why, for the trail (secret-free; cut to 300 characters). */
  detail: string;
  at: Date;
  requestId?: string;
}

export function recordRefusal(
  audit: AuditRepository,
  refusal: Refusal,
  session?: ClientSession,
): Promise<void> {
  const { actor, detail, ...rest } = refusal;
  return audit.record(
    {
      ...rest,
      actorId: actor.userId,
      actorRole: actor.role,
      outcome: "refused",
      detail: withPlainPersonRefs(detail).slice(0, 300),
    },
    session,
  );
}

/**
 * Passes when `actor`'s role allows `permission`; otherwise records the refusal and throws the
 * answer "Your role (…) cannot `what`."
 */
export async function authorize(
  audit: AuditRepository,
  permission: Permission,
  refusal: Refusal & { what: string },
): Promise<void> {
  const { what, ...attempt } = refusal;
  if (can(attempt.actor.role, permission)) return;
  await recordRefusal(audit, attempt);
  throw new AppError("forbidden", `Your role (${attempt.actor.role ?? "none"}) cannot ${what}.`);
}
