import type { ClientSession, Collection, Db } from "mongodb";
import { collections } from "../db/collections.js";
import { type KeysetPage, keysetPage, type PageCursor } from "../db/keyset-page.js";
import { afterCommit } from "../db/transaction.js";
import { type AuditEvent, auditEventSchema } from "./audit-event.js";

const toAuditEvent = (document: unknown): AuditEvent => auditEventSchema.parse(document);

/** Records, in the caller's transaction, that these changes each owe a line in the audit channel. */
export type OweAuditLines = (events: AuditEvent[], session?: ClientSession) => Promise<void>;

/**
 * The `audit_events` collection. Append-only: this class has no update or delete, by design.
 * `onRecorded` hears of every event once it is durable (after its transaction commits). With
 * `oweAuditLines`, every change (outcome "done") also owes a line in the audit channel, recorded (in
 * the outbox) in the same transaction as the event.
 */
export class AuditRepository {
  private readonly collection: Collection<AuditEvent>;

  constructor(
    db: Db,
    private readonly onRecorded: (event: AuditEvent) => void = () => {},
    private readonly oweAuditLines?: OweAuditLines,
  ) {
    this.collection = db.collection<AuditEvent>(collections.auditEvents);
  }

  async record(event: AuditEvent, session?: ClientSession): Promise<void> {
    await this.collection.insertOne({ ...event }, { session });
    await this.oweLines([event], session);
    if (session) afterCommit(session, () => this.onRecorded(event));
    else this.onRecorded(event);
  }

  async recordMany(events: AuditEvent[], session?: ClientSession): Promise<void> {
    if (events.length === 0) return;
    await this.collection.insertMany(
      events.map((event) => ({ ...event })),
      { session },
    );
    await this.oweLines(events, session);
    for (const event of events) {
      if (session) afterCommit(session, () => this.onRecorded(event));
      else this.onRecorded(event);
    }
  }

  private async oweLines(events: AuditEvent[], session?: ClientSession): Promise<void> {
    const done = events.filter((event) => event.outcome === "done");
    if (this.oweAuditLines && done.length > 0) await this.oweAuditLines(done, session);
  }

  /**
   * One page of a customer's trail, newest first, refused attempts included; null when the cursor
   * is not one of that customer's events.
   */
  pageForCustomer(
    customerId: string,
    cursor: PageCursor | null,
    limit: number,
  ): Promise<KeysetPage<AuditEvent> | null> {
    return keysetPage(
      this.collection,
      { "target.customerId": { $eq: customerId } },
      cursor,
      limit,
      toAuditEvent,
    );
  }

  /** The latest events across the team, newest first. */
  async latest(limit: number): Promise<AuditEvent[]> {
    const documents = await this.collection
      .find({}, { sort: { at: -1, _id: -1 }, limit, projection: { _id: 0 } })
      .toArray();
    return documents.map(toAuditEvent);
  }

  /**
   * The events one request (e.g. one import run) that started at `since` recorded about these
   * customers. `since` bounds the `by_customer` index scan to the request's time, so a customer
   * with a long trail costs no more than a new one.
   */
  async eventsOfRequest(
    requestId: string,
    customerIds: string[],
    since: Date,
  ): Promise<AuditEvent[]> {
    if (customerIds.length === 0) return [];
    const documents = await this.collection
      .find(
        {
          "target.customerId": { $in: customerIds },
          at: { $gte: since },
          requestId: { $eq: requestId },
        },
        { projection: { _id: 0 } },
      )
      .toArray();
    return documents.map(toAuditEvent);
  }

  /** How many events there are, from the collection's metadata (no scan): for progress displays. */
  estimatedCount(): Promise<number> {
    return this.collection.estimatedDocumentCount();
  }

  /**
   * Every event, oldest first, streamed (for the compliance export): `batchSize` documents a
   * round trip, so memory holds one batch, not the driver's default of up to 16 MiB.
   */
  async *all(batchSize = 1000): AsyncGenerator<AuditEvent> {
    for await (const document of this.collection.find(
      {},
      { sort: { at: 1, _id: 1 }, projection: { _id: 0 }, batchSize },
    ))
      yield toAuditEvent(document);
  }
}
