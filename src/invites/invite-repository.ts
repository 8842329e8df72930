import { type ClientSession, type Collection, type Db, ObjectId } from "mongodb";
import { z } from "zod";
import { collections } from "../db/collections.js";
import type { Invite } from "./invite.js";

/** The token itself is never stored, only its SHA-256. */
interface InviteDocument extends Omit<Invite, "inviteId"> {
  _id: ObjectId;
  tokenHash: string;
  state: "open" | "used" | "revoked";
  usedAt?: Date;
  revokedBy?: string;
  revokedAt?: Date;
}

const inviteSchema = z.object({
  _id: z.instanceof(ObjectId),
  email: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.date(),
  expiresAt: z.date(),
});

function toInvite(document: unknown): Invite {
  const { _id, ...rest } = inviteSchema.parse(document);
  return { inviteId: _id.toHexString(), ...rest };
}

/** Whether `text` can name an invite at all (the form of its ID). */
export function isInviteId(text: string): boolean {
  return ObjectId.isValid(text);
}

/** The `invites` collection. An invite leaves `open` once, by a guarded update: used or revoked. */
export class InviteRepository {
  private readonly collection: Collection<InviteDocument>;

  constructor(db: Db) {
    this.collection = db.collection<InviteDocument>(collections.invites);
  }

  /** Stores a new open invite under a new ID. */
  async insert(
    invite: Omit<Invite, "inviteId"> & { tokenHash: string },
    session: ClientSession,
  ): Promise<Invite> {
    const document: InviteDocument = { _id: new ObjectId(), ...invite, state: "open" };
    await this.collection.insertOne(document, { session });
    return toInvite(document);
  }

  /**
   * Open invites not expired at `now`, newest first. Every invite lives the same TTL, so the latest
   * expiry is the newest invite; walking `open_by_expiry` from the latest expiry down reads only
   * unexpired open invites (never the expired ones still marked open) and stops at `limit`.
   */
  async listOpen(now: Date, limit: number): Promise<Invite[]> {
    const documents = await this.collection
      .find({ state: "open", expiresAt: { $gt: now } }, { sort: { expiresAt: -1, _id: -1 }, limit })
      .toArray();
    return documents.map(toInvite);
  }

  /** Revokes the invite if it is still open; returns it as it was, null otherwise. */
  async revokeIfOpen(
    inviteId: string,
    revokedBy: string,
    at: Date,
    session: ClientSession,
  ): Promise<Invite | null> {
    const before = await this.collection.findOneAndUpdate(
      { _id: new ObjectId(inviteId), state: "open" },
      { $set: { state: "revoked", revokedBy, revokedAt: at } },
      { session, returnDocument: "before" },
    );
    return before ? toInvite(before) : null;
  }

  /**
   * Uses the invite with this token hash if it is open, not expired at `at` and either unbound or
   * bound to `email`; returns it as it was, null otherwise.
   */
  async useIfOpenFor(tokenHash: string, email: string, at: Date): Promise<Invite | null> {
    const used = await this.collection.findOneAndUpdate(
      {
        tokenHash: { $eq: tokenHash },
        state: "open",
        expiresAt: { $gt: at },
        $or: [{ email: null }, { email: { $eq: email } }],
      },
      { $set: { state: "used", usedAt: at } },
      { returnDocument: "before" },
    );
    return used ? toInvite(used) : null;
  }
}
