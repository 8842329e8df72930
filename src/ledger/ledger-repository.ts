import { type ClientSession, type Collection, type Db, type Document, ObjectId } from "mongodb";
import { z } from "zod";
import { collections } from "../db/collections.js";
import { beyond, type KeysetPage, keysetPage, type PageCursor } from "../db/keyset-page.js";
import type { DayKindSum } from "./ledger-day.js";
import {
  type ChainedLedgerEntry,
  entryIdPattern,
  type LedgerEntry,
  ledgerKinds,
  type StoredLedgerEntry,
} from "./ledger-entry.js";

/** Entries read per query when a whole ledger is summed. */
const recountPageSize = 5000;
const entrySumSchema = z.object({
  at: z.date(),
  kind: z.enum(ledgerKinds),
  amount: z.number(),
  seq: z.number().optional(),
});

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
  sourcePermalink: z.string().optional(),
  reverses: z.string().optional(),
  reversedBy: z.string().optional(),
}) satisfies z.ZodType<LedgerEntry>;

const storedEntrySchema = ledgerEntrySchema
  .extend({ _id: z.instanceof(ObjectId) })
  .transform(({ _id, ...entry }): StoredLedgerEntry => ({ ...entry, entryId: _id.toHexString() }));

const toStoredEntry = (document: unknown): StoredLedgerEntry => storedEntrySchema.parse(document);

const directChangesSchema = z.object({
  count: z.number().int(),
  total: z.number(),
  latest: z.array(z.object({ at: z.date(), amount: z.number(), reason: z.string() })),
});

/** One person's direct balance changes to one customer over a period (see `directChangesSince`). */
export type DirectChanges = z.infer<typeof directChangesSchema>;

const dayKindSumSchema = z.object({
  day: z.date(),
  kind: z.enum(ledgerKinds),
  amount: z.number(),
}) satisfies z.ZodType<DayKindSum>;

/**
 * The `ledger_entries` collection. Append-only: insert and read, never delete; the one update is
 * an entry's `reversedBy`, set once (guarded on its absence) when a reversal of it is written.
 */
export class LedgerRepository {
  private readonly collection: Collection<LedgerEntry>;

  constructor(db: Db) {
    this.collection = db.collection<LedgerEntry>(collections.ledgerEntries);
  }

  /** Stores the entry; answers its new ID (24 hex). */
  async append(entry: ChainedLedgerEntry, session: ClientSession): Promise<string> {
    const _id = new ObjectId();
    await this.collection.insertOne({ _id, ...entry }, { session });
    return _id.toHexString();
  }

  /** One entry by its ID, whoever's it is; null when there is none (or the ID is malformed). */
  async findEntry(entryId: string, session?: ClientSession): Promise<StoredLedgerEntry | null> {
    if (!entryIdPattern.test(entryId)) return null;
    const document = await this.collection.findOne({ _id: new ObjectId(entryId) }, { session });
    return document ? toStoredEntry(document) : null;
  }

  /**
   * Marks `customerId`'s entry `entryId` as reversed by `reversedBy`, only if it is neither reversed
   * already nor a reversal itself: false otherwise (the guard that makes a reversal happen once).
   */
  async markReversed(
    customerId: string,
    entryId: string,
    reversedBy: string,
    session: ClientSession,
  ): Promise<boolean> {
    const result = await this.collection.updateOne(
      {
        _id: new ObjectId(entryId),
        customerId: { $eq: customerId },
        reversedBy: { $exists: false },
        reverses: { $exists: false },
      },
      { $set: { reversedBy } },
      { session },
    );
    return result.modifiedCount === 1;
  }

  /** `customerId`'s entries among `entryIds` (the ends of reversal links a chain walk did not meet). */
  async entriesOf(
    customerId: string,
    entryIds: readonly string[],
    session?: ClientSession,
  ): Promise<Document[]> {
    const ids = entryIds.filter((id) => entryIdPattern.test(id)).map((id) => new ObjectId(id));
    if (ids.length === 0) return [];
    return this.collection
      .find({ _id: { $in: ids }, customerId: { $eq: customerId } }, { session })
      .toArray();
  }

  /**
   * A customer's chained entries in seq order, as stored (every field, for recomputing hashes),
   * streamed `batchSize` a round trip through the `chain_per_customer` index.
   */
  chainOf(customerId: string, session?: ClientSession, batchSize = 1000): AsyncIterable<Document> {
    return this.collection.find(
      { customerId: { $eq: customerId }, seq: { $gt: 0 } },
      { sort: { seq: 1 }, batchSize, session },
    ) as AsyncIterable<Document>;
  }

  /** One page of a customer's entries, newest first; null when the cursor is not one of theirs. */
  page(
    customerId: string,
    cursor: PageCursor | null,
    limit: number,
  ): Promise<KeysetPage<StoredLedgerEntry> | null> {
    return keysetPage(
      this.collection,
      { customerId: { $eq: customerId } },
      cursor,
      limit,
      toStoredEntry,
    );
  }

  /**
   * A customer's amounts summed per UTC day and kind over the whole ledger (for recounts and checks),
   * read newest first in pages of `recountPageSize` through the customer's index, so every query
   * is bounded however long the ledger; pass a session to read it all in one snapshot.
   */
  async sumsByDayAndKind(
    customerId: string,
    session?: ClientSession,
    pageSize = recountPageSize,
  ): Promise<DayKindSum[]> {
    return (await this.sumsAndUnchained(customerId, session, pageSize)).sums;
  }

  /** The same sums, and how many of the entries were written before chaining (they carry no seq). */
  async sumsAndUnchained(
    customerId: string,
    session?: ClientSession,
    pageSize = recountPageSize,
  ): Promise<{ sums: DayKindSum[]; unchained: number }> {
    const sums = new Map<string, DayKindSum>();
    let unchained = 0;
    let after: { at: Date; _id: ObjectId } | undefined;
    for (;;) {
      const page = await this.collection
        .find(
          {
            customerId: { $eq: customerId },
            ...(after ? beyond("at", after.at, after._id, "older", false) : {}),
          },
          {
            projection: { _id: 1, at: 1, kind: 1, amount: 1, seq: 1 },
            sort: { at: -1, _id: -1 },
            limit: pageSize,
            session,
          },
        )
        .toArray();
      for (const document of page) {
        const { at, kind, amount, seq } = entrySumSchema.parse(document);
        if (seq === undefined) unchained += 1;
        const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
        const key = `${day.getTime()} ${kind}`;
        const sum = sums.get(key) ?? { day, kind, amount: 0 };
        sum.amount += amount;
        sums.set(key, sum);
      }
      const last = page.at(-1);
      if (page.length < pageSize || !last) return { sums: [...sums.values()], unchained };
      after = { at: entrySumSchema.parse(last).at, _id: last._id };
    }
  }

  /**
   * The same sums over at most the customer's latest `cap + 1` entries (read in index order, so the
   * work is bounded however long the ledger): `complete` is false when there are more than `cap`,
   * and the sums are then lower bounds.
   */
  async latestSumsByDayAndKind(
    customerId: string,
    cap: number,
  ): Promise<{ sums: DayKindSum[]; complete: boolean }> {
    const { sums, entries } = await this.sumEntries(customerId, [
      { $sort: { at: -1, _id: -1 } },
      { $limit: cap + 1 },
    ]);
    return { sums, complete: entries <= cap };
  }

  private async sumEntries(
    customerId: string,
    bound: Document[],
  ): Promise<{ sums: DayKindSum[]; entries: number }> {
    const rows = await this.collection
      .aggregate<{ _id: { day: Date; kind: string }; amount: number; entries: number }>([
        { $match: { customerId: { $eq: customerId } } },
        ...bound,
        {
          $group: {
            _id: {
              // $dateTrunc counts in UTC unless told otherwise.
              day: { $dateTrunc: { date: "$at", unit: "day" } },
              kind: "$kind",
            },
            amount: { $sum: "$amount" },
            entries: { $sum: 1 },
          },
        },
      ])
      .toArray();
    return {
      sums: rows.map((row) => dayKindSumSchema.parse({ ...row._id, amount: row.amount })),
      entries: rows.reduce((total, row) => total + row.entries, 0),
    };
  }

  /**
   * The balance changes `actorId` made to one customer at or after `since` without an approval
   * (`approvalId` null: credit changes always have one): how many, their amounts summed by absolute
   * value, and the latest `show` of them, newest first; the entry with idempotency key `except`
   * (the change being decided, already written in its transaction) is left out. Reads at most
   * `cap + 1` entries, newest first through `direct_by_actor`, so a count above `cap` means "more
   * than cap" and the total is then a lower bound. Pass the session of the change it decides.
   */
  async directChangesSince(
    customerId: string,
    actorId: string,
    since: Date,
    bounds: { cap: number; show: number; except: string },
    session?: ClientSession,
  ): Promise<DirectChanges> {
    const [found] = await this.collection
      .aggregate(
        [
          {
            $match: {
              customerId: { $eq: customerId },
              actorId: { $eq: actorId },
              approvalId: { $eq: null },
              at: { $gte: since },
              idempotencyKey: { $ne: bounds.except },
            },
          },
          { $sort: { at: -1, _id: -1 } },
          { $limit: bounds.cap + 1 },
          {
            $group: {
              _id: null,
              count: { $sum: 1 },
              total: { $sum: { $abs: "$amount" } },
              latest: { $push: { at: "$at", amount: "$amount", reason: "$reason" } },
            },
          },
          {
            $project: { _id: 0, count: 1, total: 1, latest: { $slice: ["$latest", bounds.show] } },
          },
        ],
        { session },
      )
      .toArray();
    return found ? directChangesSchema.parse(found) : { count: 0, total: 0, latest: [] };
  }
}
