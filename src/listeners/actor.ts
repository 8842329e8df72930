import type { Context } from "@slack/bolt";
import type { Actor } from "../auth/actor.js";
import { scopeOf } from "./request-scope.js";

/** The person behind the request, as checked by the access-control middleware. */
export function actorOf(context: Context): Actor {
  const scope = scopeOf(context);
  return { userId: scope.userId ?? "unknown", role: scope.role };
}
