import { type Collection, type Db, type MongoClient, ObjectId } from "mongodb";
import type { AuditRepository } from "../audit/audit-repository.js";
import type { Actor } from "../auth/actor.js";
import { collections } from "../db/collections.js";
import { inTransaction } from "../db/transaction.js";
import { AppError } from "../errors/app-error.js";
import { hashToken, newToken } from "../security/tokens.js";

/** An invitation to register in the console. The token itself is never stored, only its SHA-256. */
export interface InviteDocument {
  _id: ObjectId;
  tokenHash: string;
  /** When set, only this email may register with the link. */
  email: string | null;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  state: "open" | "used" | "revoked";
  usedAt?: Date;
  revokedBy?: string;
  revokedAt?: Date;
}

export interface Invite {
  inviteId: string;
  email: string | null;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
}

function toInvite(document: InviteDocument): Invite {
  return {
    inviteId: document._id.toHexString(),
    email: document.email,
    createdBy: document.createdBy,
    createdAt: document.createdAt,
    expiresAt: document.expiresAt,
  };
}

export const registrationPath = "/register";

/** Invite links (PRODUCT.md §2.10): single use, expiring, optionally bound to an email. */
export class Invites {
  private readonly invites: Collection<InviteDocument>;

  constructor(
    private readonly client: MongoClient,
    db: Db,
    private readonly audit: AuditRepository,
    private readonly options: { consoleBaseUrl: string; ttlMs: number },
    private readonly now: () => Date,
  ) {
    this.invites = db.collection<InviteDocument>(collections.invites);
  }

  async create(email: string | null, actor: Actor): Promise<{ invite: Invite; link: string }> {
    const token = newToken();
    const createdAt = this.now();
    const document: InviteDocument = {
      _id: new ObjectId(),
      tokenHash: hashToken(token),
      email,
      createdBy: actor.userId,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + this.options.ttlMs),
      state: "open",
    };
    await inTransaction(this.client, async (session) => {
      await this.invites.insertOne(document, { session });
      await this.audit.record(
        {
          at: createdAt,
          actorId: actor.userId,
          actorRole: actor.role,
          action: "invite.create",
          outcome: "done",
          target: { inviteId: document._id.toHexString() },
          after: { email, expiresAt: document.expiresAt },
        },
        session,
      );
    });
    const link = `${this.options.consoleBaseUrl}${registrationPath}?invite=${encodeURIComponent(token)}`;
    return { invite: toInvite(document), link };
  }

  async listOpen(limit = 20): Promise<Invite[]> {
    const documents = await this.invites
      .find({ state: "open", expiresAt: { $gt: this.now() } }, { sort: { createdAt: -1 }, limit })
      .toArray();
    return documents.map(toInvite);
  }

  async revoke(inviteId: string, actor: Actor): Promise<Invite> {
    if (!ObjectId.isValid(inviteId))
      throw new AppError("invalid_input", "That is not an invite reference.");
    const revoked = await inTransaction(this.client, async (session) => {
      const at = this.now();
      const before = await this.invites.findOneAndUpdate(
        { _id: new ObjectId(inviteId), state: "open" },
        { $set: { state: "revoked", revokedBy: actor.userId, revokedAt: at } },
        { session, returnDocument: "before" },
      );
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
      return toInvite(before);
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
    const used = await this.invites.findOneAndUpdate(
      {
        tokenHash: hashToken(token),
        state: "open",
        expiresAt: { $gt: at },
        $or: [{ email: null }, { email: email.toLowerCase() }],
      },
      { $set: { state: "used", usedAt: at } },
      { returnDocument: "before" },
    );
    if (!used)
      throw new AppError(
        "conflict",
        "This invite link is not valid: it was used, revoked, expired, or is for another email.",
      );
    return toInvite(used);
  }
}
