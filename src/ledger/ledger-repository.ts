import type { ClientSession, Collection, Db } from "mongodb";
import { collections } from "../db/collections.js";
import type { LedgerEntry } from "./ledger-entry.js";

/** The `ledger_entries` collection. Append-only: insert and read, never update or delete. */
export class LedgerRepository {
  readonly collection: Collection<LedgerEntry>;

  constructor(db: Db) {
    this.collection = db.collection<LedgerEntry>(collections.ledgerEntries);
  }

  async append(entry: LedgerEntry, session: ClientSession): Promise<void> {
    await this.collection.insertOne({ ...entry }, { session });
  }

  /** A customer's entries, newest first. */
  async page(
    customerId: string,
    skip: number,
    limit: number,
  ): Promise<{ entries: LedgerEntry[]; total: number }> {
    const filter = { customerId: { $eq: customerId } };
    const [entries, total] = await Promise.all([
      this.collection.find(filter, { sort: { at: -1, _id: -1 }, skip, limit }).toArray(),
      this.collection.countDocuments(filter),
    ]);
    return { entries, total };
  }

  /** Sum of amounts per kind for a customer, optionally since a date. */
  async totalsByKind(
    customerId: string,
    since?: Date,
  ): Promise<Partial<Record<LedgerEntry["kind"], number>>> {
    const match: Record<string, unknown> = { customerId: { $eq: customerId } };
    if (since) match.at = { $gte: since };
    const rows = await this.collection
      .aggregate<{ _id: LedgerEntry["kind"]; sum: number }>([
        { $match: match },
        { $group: { _id: "$kind", sum: { $sum: "$amount" } } },
      ])
      .toArray();
    return Object.fromEntries(rows.map((row) => [row._id, row.sum]));
  }
}
