import type { ClientSession, Collection, Db } from "mongodb";
import { z } from "zod";
import { collections } from "../db/collections.js";
import { type PeriodSums, sumsSince } from "../db/sums-since.js";
import { type LedgerEntry, type LedgerKind, ledgerKinds } from "./ledger-entry.js";

const ledgerEntrySchema = z.object({
  customerId: z.string(),
  kind: z.enum(ledgerKinds),
  amount: z.number(),
  after: z.number(),
  currency: z.string(),
  actorId: z.string(),
  approvedBy: z.string().nullable(),
  approvalId: z.string().nullable(),
  reason: z.string(),
  idempotencyKey: z.string(),
  at: z.date(),
}) satisfies z.ZodType<LedgerEntry>;

/** The `ledger_entries` collection. Append-only: insert and read, never update or delete. */
export class LedgerRepository {
  private readonly collection: Collection<LedgerEntry>;

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
    const [documents, total] = await Promise.all([
      this.collection.find(filter, { sort: { at: -1, _id: -1 }, skip, limit }).toArray(),
      this.collection.countDocuments(filter),
    ]);
    return { entries: documents.map((document) => ledgerEntrySchema.parse(document)), total };
  }

  /** A customer's amounts summed per kind, over all time and since `since`, in one aggregation. */
  async totalsByKind(
    customerId: string,
    since: Date,
  ): Promise<Partial<Record<LedgerKind, PeriodSums>>> {
    const rows = await this.collection
      .aggregate<PeriodSums & { _id: LedgerKind }>([
        { $match: { customerId: { $eq: customerId } } },
        { $group: { _id: "$kind", ...sumsSince(since) } },
      ])
      .toArray();
    return Object.fromEntries(rows.map(({ _id, ...sums }) => [_id, sums]));
  }
}
