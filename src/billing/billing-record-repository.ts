import type { Collection, Db, Document, Filter } from "mongodb";
import { z } from "zod";
import { collections } from "../db/collections.js";
import { type PeriodSums, sumsSince } from "../db/sums-since.js";
import type { UsageCharge } from "./usage-charge.js";

/** Usage sums in minor units; not `complete` when they cover only the latest charges (lower bounds). */
export interface UsageSums extends PeriodSums {
  complete: boolean;
}

/** A billing record as the platform writes it; a description of another type is dropped, not fatal. */
const usageChargeSchema = z.object({
  at: z.date(),
  amount: z.number().int().min(0),
  description: z
    .string()
    .nullish()
    .catch(null)
    .transform((value) => value || null),
}) satisfies z.ZodType<UsageCharge>;

/**
 * The database-side twin of `usageChargeSchema`, so the sums count exactly the charges a list
 * would show. `$cond` keeps `$trunc` away from non-numbers (a `$match` does not order its clauses).
 */
function wellFormedCharges(customerId: string): Filter<Document> {
  return {
    customerId: { $eq: customerId },
    at: { $type: "date" },
    amount: { $type: ["int", "long", "double"], $gte: 0 },
    $expr: {
      $cond: [{ $isNumber: "$amount" }, { $eq: ["$amount", { $trunc: ["$amount", 0] }] }, false],
    },
  };
}

/** The `billing_records` collection, written by the platform (usage charges); the bot only reads it. */
export class BillingRecordRepository {
  private readonly collection: Collection;

  constructor(db: Db) {
    this.collection = db.collection(collections.billingRecords);
  }

  /** A customer's latest well-formed charges, newest first. */
  async latestCharges(customerId: string, limit: number): Promise<UsageCharge[]> {
    const documents = await this.collection
      .find(wellFormedCharges(customerId), {
        sort: { at: -1, _id: -1 },
        limit,
        projection: { _id: 0, at: 1, amount: 1, description: 1 },
      })
      .toArray();
    return documents.flatMap((document) => {
      const parsed = usageChargeSchema.safeParse(document);
      return parsed.success ? [parsed.data] : [];
    });
  }

  /**
   * A customer's well-formed charges summed over all time and since `since`, reading at most their
   * latest `cap + 1` charges in index order: when they have more than `cap`, `complete` is false
   * and the sums are lower bounds. Null when there are none.
   */
  async chargeSums(customerId: string, since: Date, cap: number): Promise<UsageSums | null> {
    const [sums] = await this.collection
      .aggregate<PeriodSums & { charges: number }>([
        { $match: wellFormedCharges(customerId) },
        { $sort: { at: -1, _id: -1 } },
        { $limit: cap + 1 },
        { $group: { _id: null, charges: { $sum: 1 }, ...sumsSince(since) } },
      ])
      .toArray();
    if (!sums) return null;
    return { allTime: sums.allTime, sinceThen: sums.sinceThen, complete: sums.charges <= cap };
  }
}
