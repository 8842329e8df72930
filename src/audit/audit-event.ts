import { z } from "zod";
import { type Role, roles } from "../auth/roles.js";

/** One line of the append-only audit trail: who did (or tried) what to what, and when. */
export interface AuditEvent {
  at: Date;
  actorId: string;
  actorRole: Role | null;
  /** e.g. `access.refused`, `customer.tag.set`, `balance.refill`, `channel.link`, `channel.unlink`. */
  action: string;
  outcome: "done" | "refused";
  target?: {
    customerId?: string;
    account?: string;
    approvalId?: string;
    inviteId?: string;
    /** A Slack channel (`channel.link`, `channel.unlink`). */
    channelId?: string;
  };
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  /** A short, secret-free explanation, e.g. why something was refused. */
  detail?: string;
  requestId?: string;
  /** The Slack message a money change or request was asked from (a permalink), when there was one. */
  sourcePermalink?: string;
}

/** What an audit event read back from MongoDB must look like. */
export const auditEventSchema = z.object({
  at: z.date(),
  actorId: z.string(),
  actorRole: z.enum(roles).nullable(),
  action: z.string(),
  outcome: z.enum(["done", "refused"]),
  target: z
    .object({
      customerId: z.string().optional(),
      account: z.string().optional(),
      approvalId: z.string().optional(),
      inviteId: z.string().optional(),
      channelId: z.string().optional(),
    })
    .optional(),
  before: z.record(z.string(), z.unknown()).optional(),
  after: z.record(z.string(), z.unknown()).optional(),
  detail: z.string().optional(),
  requestId: z.string().optional(),
  sourcePermalink: z.string().optional(),
}) satisfies z.ZodType<AuditEvent>;
