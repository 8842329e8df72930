import type { MongoClient } from "mongodb";
import type { AuditRepository } from "../audit/audit-repository.js";
import type { Actor } from "../auth/actor.js";
import { inTransaction } from "../db/transaction.js";
import { AppError } from "../errors/app-error.js";
import { hashToken, newToken } from "../security/tokens.js";
import type { Invite } from "./invite.js";
import { type InviteRepository, isInviteId } from "./invite-repository.js";

const registrationPath = "/register";

/** The console's registration link for an invite token (`.env.example` and README show its shape). */
export function inviteLink(consoleBaseUrl: string, token: string): string {
  return `${consoleBaseUrl}${registrationPath}?invite=${encodeURIComponent(token)}`;
}

/** Invite links (PRODUCT.md §2.10): single use, expiring, optionally bound to an email. */
export class Invites {
  constructor(
    private readonly client: MongoClient,
    private readonly invites: InviteRepository,
    private readonly audit: AuditRepository,
    private readonly options: { consoleBaseUrl: string; ttlMs: number },
    private readonly now: () => Date,
  ) {}

  async create(email: string | null, actor: Actor): Promise<{ invite: Invite; link: string }> {
    const token = newToken();
    const createdAt = this.now();
    const expiresAt = new Date(createdAt.getTime() + this.options.ttlMs);
    const invite = await inTransaction(this.client, async (session) => {
      const inserted = await this.invites.insert(
        { tokenHash: hashToken(token), email, createdBy: actor.userId, createdAt, expiresAt },
        session,
      );
      await this.audit.record(
        {
          at: createdAt,
          actorId: actor.userId,
          actorRole: actor.role,
          action: "invite.create",
          outcome: "done",
          target: { inviteId: inserted.inviteId },
          after: { email, expiresAt },
        },
        session,
      );
      return inserted;
    });
    return { invite, link: inviteLink(this.options.consoleBaseUrl, token) };
  }

  listOpen(limit = 20): Promise<Invite[]> {
    return this.invites.listOpen(this.now(), limit);
  }

  async revoke(inviteId: string, actor: Actor): Promise<Invite> {
    if (!isInviteId(inviteId))
      throw new AppError("invalid_input", "That is not an invite reference.");
    const revoked = await inTransaction(this.client, async (session) => {
      const at = this.now();
      const before = await this.invites.revokeIfOpen(inviteId, actor.userId, at, session);
      if (!before) return null;
      await this.audit.record(
        {
          at,
          actorId: actor.userId,
          actorRole: actor.role,
          action: "invite.revoke",
          outcome: "done",
          target: { inviteId },
          before: { state: "open" },
          after: { state: "revoked" },
        },
        session,
      );
      return before;
    });
    if (!revoked)
      throw new AppError(
        "conflict",
        "That invite is no longer open (already used or revoked); nothing was changed.",
      );
    return revoked;
  }

  /**
   * What the console does when someone registers with a link: consumes the invite exactly once,
   * if it is open, not expired and (when bound) for this email. Exposed so the contract is tested.
   */
  async redeem(token: string, email: string): Promise<Invite> {
    const at = this.now();
    const used = await this.invites.useIfOpenFor(hashToken(token), email.toLowerCase(), at);
    if (!used)
      throw new AppError(
        "conflict",
        "This invite link is not valid: it was used, revoked, expired, or is for another email.",
      );
    return used;
  }
}
