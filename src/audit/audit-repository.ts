import type { ClientSession, Collection, Db } from "mongodb";
import { collections } from "../db/collections.js";
import type { AuditEvent } from "./audit-event.js";

/** The `audit_events` collection. Append-only: this class has no update or delete, by design. */
export class AuditRepository {
  private readonly collection: Collection<AuditEvent>;

  constructor(db: Db) {
    this.collection = db.collection<AuditEvent>(collections.auditEvents);
  }

  async record(event: AuditEvent, session?: ClientSession): Promise<void> {
    await this.collection.insertOne({ ...event }, { session });
  }

  async recordMany(events: AuditEvent[], session?: ClientSession): Promise<void> {
    if (events.length > 0)
      await this.collection.insertMany(
        events.map((event) => ({ ...event })),
        { session },
      );
  }
}
