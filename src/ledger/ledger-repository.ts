import type { ClientSession, Collection, Db } from "mongodb";
import { z } from "zod";
import { collections } from "../db/collections.js";
import { type KeysetPage, keysetPage, type PageCursor } from "../db/keyset-page.js";
import type { DayKindSum } from "./ledger-day.js";
import { type LedgerEntry, ledgerKinds } from "./ledger-entry.js";

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

const toLedgerEntry = (document: unknown): LedgerEntry => ledgerEntrySchema.parse(document);

const dayKindSumSchema = z.object({
  day: z.date(),
  kind: z.enum(ledgerKinds),
  amount: z.number(),
}) satisfies z.ZodType<DayKindSum>;

/** The `ledger_entries` collection. Append-only: insert and read, never update or delete. */
export class LedgerRepository {
  private readonly collection: Collection<LedgerEntry>;

  constructor(db: Db) {
    this.collection = db.collection<LedgerEntry>(collections.ledgerEntries);
  }

  async append(entry: LedgerEntry, session: ClientSession): Promise<void> {
    await this.collection.insertOne({ ...entry }, { session });
  }

  /** One page of a customer's entries, newest first; null when the cursor is not one of theirs. */
  page(
    customerId: string,
    cursor: PageCursor | null,
    limit: number,
  ): Promise<KeysetPage<LedgerEntry> | null> {
    return keysetPage(
      this.collection,
      { customerId: { $eq: customerId } },
      cursor,
      limit,
      toLedgerEntry,
    );
  }

  /** A customer's amounts summed per UTC day and kind (the whole ledger: for recounts and checks). */
  async sumsByDayAndKind(customerId: string, session?: ClientSession): Promise<DayKindSum[]> {
    const rows = await this.collection
      .aggregate<{ _id: { day: Date; kind: string }; amount: number }>(
        [
          { $match: { customerId: { $eq: customerId } } },
          {
            $group: {
              _id: {
                // $dateTrunc counts in UTC unless told otherwise.
                day: { $dateTrunc: { date: "$at", unit: "day" } },
                kind: "$kind",
              },
              amount: { $sum: "$amount" },
            },
          },
        ],
        { session },
      )
      .toArray();
    return rows.map((row) => dayKindSumSchema.parse({ ...row._id, amount: row.amount }));
  }
}
