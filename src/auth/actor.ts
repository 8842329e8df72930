import type { Role } from "./roles.js";

/** Who is acting: a Slack user with their role at the time, or an operator's command-line tool. */
export interface Actor {
  userId: string;
  role: Role | null;
}
