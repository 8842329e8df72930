import type { ClientSession, Collection, Db } from "mongodb";
import { z } from "zod";
import { collections } from "../db/collections.js";
import { type MoneyTotalsField, moneyTotalsFields } from "../money/money-totals.js";
import type { LedgerDay } from "./ledger-day.js";

interface LedgerDayDocument extends Record<MoneyTotalsField, number> {
  customerId: string;
  day: Date;
}

const minorUnits = z.number().int().min(0).default(0);
const ledgerDaySchema = z.object({
  day: z.date(),
  refilled: minorUnits,
  deducted: minorUnits,
  granted: minorUnits,
  returned: minorUnits,
});

function toLedgerDay(document: unknown): LedgerDay {
  const { day, ...totals } = ledgerDaySchema.parse(document);
  return { day, totals };
}

/** At most one bucket per day: the longest window read (the last 30 days) spans 31 of them. */
export const maxDaysInWindow = 31;

/**
 * The `ledger_days` collection: per customer and UTC day, the money moved that day (one document,
 * unique on `{customerId, day}`), kept by the money writer in the transaction of each ledger entry.
 */
export class LedgerDayRepository {
  private readonly collection: Collection<LedgerDayDocument>;

  constructor(db: Db) {
    this.collection = db.collection<LedgerDayDocument>(collections.ledgerDays);
  }

  /** Adds `amount` (positive) to `field` of the customer's bucket for `day`, creating it if needed. */
  async add(
    customerId: string,
    day: Date,
    field: MoneyTotalsField,
    amount: number,
    session: ClientSession,
  ): Promise<void> {
    const others = moneyTotalsFields.filter((other) => other !== field);
    await this.collection.updateOne(
      { customerId: { $eq: customerId }, day: { $eq: day } },
      {
        $inc: { [field]: amount },
        $setOnInsert: Object.fromEntries(others.map((other) => [other, 0])),
      },
      { upsert: true, session },
    );
  }

  /** The customer's buckets from `firstDay` on, newest first (a window of at most 31 days). */
  async since(customerId: string, firstDay: Date, session?: ClientSession): Promise<LedgerDay[]> {
    const documents = await this.collection
      .find(
        { customerId: { $eq: customerId }, day: { $gte: firstDay } },
        { sort: { day: -1 }, limit: maxDaysInWindow, projection: { _id: 0 }, session },
      )
      .toArray();
    return documents.map(toLedgerDay);
  }

  /** Every bucket of the customer, newest first (one per day money moved: a check reads them all). */
  async allOf(customerId: string, session?: ClientSession): Promise<LedgerDay[]> {
    const documents = await this.collection
      .find(
        { customerId: { $eq: customerId } },
        { sort: { day: -1 }, projection: { _id: 0 }, session },
      )
      .toArray();
    return documents.map(toLedgerDay);
  }

  /** Replaces the customer's buckets with `days` (a recount of the whole ledger). */
  async replaceAll(customerId: string, days: LedgerDay[], session: ClientSession): Promise<void> {
    await this.collection.deleteMany({ customerId: { $eq: customerId } }, { session });
    if (days.length === 0) return;
    await this.collection.insertMany(
      days.map(({ day, totals }) => ({ customerId, day, ...totals })),
      { session },
    );
  }
}
