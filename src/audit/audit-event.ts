import type { Role } from "../auth/roles.js";

/** One line of the append-only audit trail: who did (or tried) what to what, and when. */
export interface AuditEvent {
  at: Date;
  actorId: string;
  actorRole: Role | null;
  /** e.g. `access.refused`, `customer.tag.set`, `balance.refill`. */
  action: string;
  outcome: "done" | "refused";
  target?: { customerId?: string; account?: string; approvalId?: string; inviteId?: string };
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  /** A short, secret-free explanation, e.g. why something was refused. */
  detail?: string;
  requestId?: string;
}
