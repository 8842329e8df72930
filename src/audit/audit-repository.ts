import type { ClientSession, Collection, Db } from "mongodb";
import { collections } from "../db/collections.js";
import { afterCommit } from "../db/transaction.js";
import type { AuditEvent } from "./audit-event.js";

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
    const [events, total] = await Promise.all([
      this.collection
        .find(filter, { sort: { at: -1, _id: -1 }, skip, limit, projection: { _id: 0 } })
        .toArray(),
      this.collection.countDocuments(filter),
    ]);
    return { events, total };
  }

  /** The latest events across the team, newest first. */
  async latest(limit: number): Promise<AuditEvent[]> {
    return this.collection
      .find({}, { sort: { at: -1, _id: -1 }, limit, projection: { _id: 0 } })
      .toArray();
  }

  /** Every event, oldest first, streamed (for the compliance export). */
  async *all(): AsyncGenerator<AuditEvent> {
    for await (const event of this.collection.find(
      {},
      { sort: { at: 1, _id: 1 }, projection: { _id: 0 } },
    ))
      yield event;
  }
}
