import type { Context } from "@slack/bolt";
import type { Actor } from "../auth/actor.js";
import { can, type Permission } from "../auth/roles.js";
import { AppError } from "../errors/app-error.js";
import { scopeOf } from "./request-scope.js";

/** The person behind the request, as checked by the access-control middleware. */
export function actorOf(context: Context): Actor {
  const scope = scopeOf(context);
  return { userId: scope.userId ?? "unknown", role: scope.role };
}

/** Throws a clear refusal unless the actor's role allows `permission` (checked on the server, every time). */
export function requirePermission(actor: Actor, permission: Permission, what: string): void {
  if (!can(actor.role, permission)) {
    throw new AppError("forbidden", `Your role (${actor.role ?? "none"}) cannot ${what}.`);
  }
}
