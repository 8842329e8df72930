import type { ClientSession, Collection, Db } from "mongodb";
import { z } from "zod";
import { roles } from "../auth/roles.js";
import { collections } from "../db/collections.js";
import { afterCommit } from "../db/transaction.js";
import type { AuditEvent } from "./audit-event.js";

const auditEventSchema = z.object({
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
    })
    .optional(),
  before: z.record(z.string(), z.unknown()).optional(),
  after: z.record(z.string(), z.unknown()).optional(),
  detail: z.string().optional(),
  requestId: z.string().optional(),
}) satisfies z.ZodType<AuditEvent>;

const toAuditEvent = (document: unknown): AuditEvent => auditEventSchema.parse(document);

/**
 * The `audit_events` collection. Append-only: this class has no update or delete, by design.
 * `onRecorded` hears of every event once it is durable (after its transaction commits).
 */
export class AuditRepository {
  private readonly collection: Collection<AuditEvent>;

  constructor(
    db: Db,
    private readonly onRecorded: (event: AuditEvent) => void = () => {},
  ) {
    this.collection = db.collection<AuditEvent>(collections.auditEvents);
  }

  async record(event: AuditEvent, session?: ClientSession): Promise<void> {
    await this.collection.insertOne({ ...event }, { session });
    if (session) afterCommit(session, () => this.onRecorded(event));
    else this.onRecorded(event);
  }

  async recordMany(events: AuditEvent[], session?: ClientSession): Promise<void> {
    if (events.length === 0) return;
    await this.collection.insertMany(
      events.map((event) => ({ ...event })),
      { session },
    );
    for (const event of events) {
      if (session) afterCommit(session, () => this.onRecorded(event));
      else this.onRecorded(event);
    }
  }

  /** A customer's trail, newest first, refused attempts included. */
  async pageForCustomer(
    customerId: string,
    skip: number,
    limit: number,
  ): Promise<{ events: AuditEvent[]; total: number }> {
    const filter = { "target.customerId": { $eq: customerId } };
    const [documents, total] = await Promise.all([
      this.collection
        .find(filter, { sort: { at: -1, _id: -1 }, skip, limit, projection: { _id: 0 } })
        .toArray(),
      this.collection.countDocuments(filter),
    ]);
    return { events: documents.map(toAuditEvent), total };
  }

  /** The latest events across the team, newest first. */
  async latest(limit: number): Promise<AuditEvent[]> {
    const documents = await this.collection
      .find({}, { sort: { at: -1, _id: -1 }, limit, projection: { _id: 0 } })
      .toArray();
    return documents.map(toAuditEvent);
  }

  /** Every event, oldest first, streamed (for the compliance export). */
  async *all(): AsyncGenerator<AuditEvent> {
    for await (const document of this.collection.find(
      {},
      { sort: { at: 1, _id: 1 }, projection: { _id: 0 } },
    ))
      yield toAuditEvent(document);
  }
}
