import {
  type ClientSession,
  type Collection,
  type Db,
  type Document,
  type Filter,
  ObjectId,
} from "mongodb";
import { z } from "zod";
import { roles } from "../auth/roles.js";
import { collections } from "../db/collections.js";
import { entryIdPattern, ledgerKinds } from "../ledger/ledger-entry.js";
import { type Approval, approvalKinds, approvalStates, type GivenApproval } from "./approval.js";

const approvalDocumentSchema = z.object({
  _id: z.instanceof(ObjectId),
  kind: z.enum(approvalKinds),
  customerId: z.string(),
  account: z.string(),
  current: z.number(),
  target: z.number(),
  difference: z.number(),
  poolLeftAtRequest: z
    .number()
    .nullish()
    .transform((value) => value ?? null),
  reason: z.string(),
  requestedBy: z.string(),
  requestedAt: z.date(),
  expiresAt: z.date(),
  state: z.enum(approvalStates),
  decidedBy: z.string().optional(),
  decidedAt: z.date().optional(),
  rejectReason: z.string().optional(),
  foundValue: z.number().optional(),
  poolLeftAfter: z.number().optional(),
  message: z.object({ channel: z.string(), ts: z.string() }).optional(),
  idempotencyKey: z.string(),
  sourcePermalink: z.string().optional(),
  summedWith: z
    .object({
      limit: z.number(),
      count: z.number(),
      total: z.number(),
      latest: z.array(z.object({ at: z.date(), amount: z.number(), reason: z.string() })),
    })
    .optional(),
  remindAt: z.date().optional(),
  reverses: z
    .object({
      entryId: z.string().regex(entryIdPattern),
      kind: z.enum(["balance", "credits"]),
      amount: z.number(),
      entryKind: z.enum(ledgerKinds),
      at: z.date(),
      actorId: z.string(),
    })
    .optional(),
  // Requests stored before two-person approvals needed one and had none given.
  approvalsNeeded: z
    .union([z.literal(1), z.literal(2)])
    .optional()
    .transform((needed) => needed ?? 1),
  approvals: z
    .array(
      z.object({
        by: z.string(),
        role: z.enum(roles).nullable(),
        at: z.date(),
        comment: z.string().optional(),
      }),
    )
    .optional()
    .transform((given) => given ?? []),
});

/** The guard every approval shares: pending, not expired when given, asked by someone else. */
function approvableBy(approvalId: string, given: GivenApproval): Filter<Document> {
  return { ...pendingAt(approvalId, given.at), requestedBy: { $ne: given.by } };
}

/** The guard every decision shares: this request, still pending and not expired at `at`. */
function pendingAt(approvalId: string, at: Date): Filter<Document> {
  return { _id: new ObjectId(approvalId), state: "pending", expiresAt: { $gt: at } };
}

function toApproval(document: unknown): Approval {
  const { _id, ...rest } = approvalDocumentSchema.parse(document);
  return { approvalId: _id.toHexString(), ...rest };
}

/**
 * The `approvals` collection. Every decision is an update guarded on `state: "pending"`, so double
 * clicks, concurrent clicks on several instances and late clicks change nothing more.
 */
export class ApprovalRepository {
  private readonly collection: Collection<Document>;

  constructor(db: Db) {
    this.collection = db.collection(collections.approvals);
  }

  /** Stores a new request under a new ID; a second one with the same idempotency key is refused (E11000). */
  async insert(approval: Omit<Approval, "approvalId">, session: ClientSession): Promise<Approval> {
    const document = { _id: new ObjectId(), ...approval };
    await this.collection.insertOne(document, { session });
    return toApproval(document);
  }

  async findById(approvalId: string): Promise<Approval | null> {
    if (!ObjectId.isValid(approvalId) || approvalId.length !== 24) return null;
    const document = await this.collection.findOne({ _id: new ObjectId(approvalId) });
    return document ? toApproval(document) : null;
  }

  async findByIdempotencyKey(idempotencyKey: string): Promise<Approval | null> {
    const document = await this.collection.findOne({ idempotencyKey: { $eq: idempotencyKey } });
    return document ? toApproval(document) : null;
  }

  /** Requests still pending and not yet expired at `now`, newest first, and how many there are. */
  async listPending(now: Date, limit: number): Promise<{ approvals: Approval[]; total: number }> {
    const filter = { state: "pending", expiresAt: { $gt: now } };
    const [documents, total] = await Promise.all([
      this.collection.find(filter, { sort: { requestedAt: -1 }, limit }).toArray(),
      this.collection.countDocuments(filter),
    ]);
    return { approvals: documents.map(toApproval), total };
  }

  /**
   * Pending requests someone other than `viewerId` asked for, not expired at `now`, soonest expiry
   * first (walking `pending_by_expiry` from now), and how many there are, counted up to `countCap`.
   */
  async decidableBy(
    viewerId: string,
    now: Date,
    limit: number,
    countCap: number,
  ): Promise<{ approvals: Approval[]; total: number }> {
    const filter = { state: "pending", expiresAt: { $gt: now }, requestedBy: { $ne: viewerId } };
    return this.listAndCount(filter, { expiresAt: 1 }, limit, countCap);
  }

  /**
   * `requesterId`'s own pending requests, not expired at `now`, newest first (latest expiry first:
   * every request expires one TTL after it was made), and how many, counted up to `countCap`.
   */
  async pendingOf(
    requesterId: string,
    now: Date,
    limit: number,
    countCap: number,
  ): Promise<{ approvals: Approval[]; total: number }> {
    const filter = {
      requestedBy: { $eq: requesterId },
      state: "pending",
      expiresAt: { $gt: now },
    };
    return this.listAndCount(filter, { expiresAt: -1 }, limit, countCap);
  }

  private async listAndCount(
    filter: Filter<Document>,
    sort: Record<string, 1 | -1>,
    limit: number,
    countCap: number,
  ): Promise<{ approvals: Approval[]; total: number }> {
    const [documents, total] = await Promise.all([
      this.collection.find(filter, { sort, limit }).toArray(),
      this.collection.countDocuments(filter, { limit: countCap }),
    ]);
    return { approvals: documents.map(toApproval), total };
  }

  /**
   * Credits asked for by requests that increase credits and can still be approved at `now` (credit
   * changes, and reversals of credit returns): an overdue request the sweep has not reached yet is
   * still "pending" in storage but asks for nothing.
   */
  async pendingCreditIncreases(now: Date): Promise<number> {
    const [sum] = await this.collection
      .aggregate<{ sum: number }>([
        {
          $match: {
            state: "pending",
            expiresAt: { $gt: now },
            difference: { $gt: 0 },
            $or: [{ kind: "credits" }, { kind: "reversal", "reverses.kind": "credits" }],
          },
        },
        { $group: { _id: null, sum: { $sum: "$difference" } } },
      ])
      .toArray();
    return sum?.sum ?? 0;
  }

  /** Where the request was posted in Slack, so that its decision updates that message. */
  async rememberMessage(
    approvalId: string,
    message: { channel: string; ts: string },
  ): Promise<void> {
    await this.collection.updateOne({ _id: new ObjectId(approvalId) }, { $set: { message } });
  }

  /**
   * The first of a two-person request's approvals: recorded if the request is pending, not expired
   * at `at`, needs two, has none yet, and was asked by someone other than the approver. It stays
   * pending; null when the guard matched nothing (someone else was first, or it was decided).
   */
  recordFirstApproval(
    approvalId: string,
    given: GivenApproval,
    session: ClientSession,
  ): Promise<Approval | null> {
    return this.updateWhere(
      {
        ...approvableBy(approvalId, given),
        approvalsNeeded: 2,
        "approvals.0": { $exists: false },
      },
      { $push: { approvals: given } },
      session,
    );
  }

  /**
   * The approval that decides the request: if it is pending, not expired at `at`, asked by someone
   * other than the approver, and this is its last missing approval — none given yet for a request
   * that needs one, exactly one by someone else for a request that needs two.
   */
  approveIfPendingAndNotOwn(
    approvalId: string,
    given: GivenApproval,
    session: ClientSession,
  ): Promise<Approval | null> {
    return this.updateWhere(
      {
        ...approvableBy(approvalId, given),
        $or: [
          { approvalsNeeded: { $ne: 2 }, "approvals.0": { $exists: false } },
          { approvalsNeeded: 2, approvals: { $size: 1 }, "approvals.by": { $ne: given.by } },
        ],
      },
      {
        $set: { state: "approved", decidedBy: given.by, decidedAt: given.at },
        $push: { approvals: given },
      },
      session,
    );
  }

  /** After an approved credits change: what the pool had left. */
  async notePoolLeftAfter(
    approvalId: string,
    poolLeftAfter: number,
    session: ClientSession,
  ): Promise<void> {
    await this.collection.updateOne(
      { _id: new ObjectId(approvalId) },
      { $set: { poolLeftAfter } },
      { session },
    );
  }

  /** Rejects the request if it is pending and not expired at `at`. */
  async rejectIfPending(
    approvalId: string,
    deciderId: string,
    reason: string,
    at: Date,
    session: ClientSession,
  ): Promise<Approval | null> {
    return this.setWhere(
      pendingAt(approvalId, at),
      { state: "rejected", decidedBy: deciderId, decidedAt: at, rejectReason: reason },
      session,
    );
  }

  /**
   * Withdraws the request if it is pending, not expired at `at`, and was asked by `requesterId`
   * (only the requester may withdraw, and only what is still undecided).
   */
  async withdrawIfPendingAndOwn(
    approvalId: string,
    requesterId: string,
    at: Date,
    session: ClientSession,
  ): Promise<Approval | null> {
    return this.setWhere(
      { ...pendingAt(approvalId, at), requestedBy: { $eq: requesterId } },
      { state: "withdrawn", decidedBy: requesterId, decidedAt: at },
      session,
    );
  }

  /** Marks the request stale (its customer's value changed) if it is still pending. */
  async markStaleIfPending(
    approvalId: string,
    deciderId: string,
    foundValue: number | undefined,
    at: Date,
    session: ClientSession,
  ): Promise<Approval | null> {
    return this.setWhere(
      { _id: new ObjectId(approvalId), state: "pending" },
      {
        state: "stale",
        decidedBy: deciderId,
        decidedAt: at,
        ...(foundValue === undefined ? {} : { foundValue }),
      },
      session,
    );
  }

  /** Marks one pending request whose expiry is at or before `at` as expired; null when there is none. */
  async expireOneDue(at: Date, session?: ClientSession): Promise<Approval | null> {
    return this.setWhere(
      { state: "pending", expiresAt: { $lte: at } },
      { state: "expired", decidedAt: at },
      session,
    );
  }

  /**
   * Pending requests whose reminder is due at `at`, the longest-due first, at most `limit`
   * (walking `pending_by_reminder`; requests without `remindAt` are never due).
   */
  async dueReminders(at: Date, limit: number): Promise<Approval[]> {
    const documents = await this.collection
      .find({ state: "pending", remindAt: { $lte: at } }, { sort: { remindAt: 1 }, limit })
      .toArray();
    return documents.map(toApproval);
  }

  /**
   * Moves a pending request's reminder on from `due` (the time read, so that of sweeps racing over
   * the same reminder only one moves it and owes it) to `next`, or leaves it none; false when the
   * guard matched nothing: decided, or moved on by another sweep.
   */
  async moveReminderIfStill(
    approvalId: string,
    due: Date,
    next: Date | undefined,
    session: ClientSession,
  ): Promise<boolean> {
    const result = await this.collection.updateOne(
      { _id: new ObjectId(approvalId), state: "pending", remindAt: { $eq: due } },
      next ? { $set: { remindAt: next } } : { $unset: { remindAt: "" } },
      { session },
    );
    return result.modifiedCount === 1;
  }

  /** Sets `set` on one request matching `filter` (the guard); answers it after, null when none matched. */
  private setWhere(
    filter: Filter<Document>,
    set: Document,
    session?: ClientSession,
  ): Promise<Approval | null> {
    return this.updateWhere(filter, { $set: set }, session);
  }

  /** Applies `update` to one request matching `filter` (the guard); answers it after, null when none matched. */
  private async updateWhere(
    filter: Filter<Document>,
    update: Document,
    session?: ClientSession,
  ): Promise<Approval | null> {
    const document = await this.collection.findOneAndUpdate(filter, update, {
      session,
      returnDocument: "after",
    });
    return document ? toApproval(document) : null;
  }
}
