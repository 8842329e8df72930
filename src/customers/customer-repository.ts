import {
  type ClientSession,
  type Collection,
  type Db,
  type Document,
  type Filter,
  MongoBulkWriteError,
  type WriteError,
} from "mongodb";
import { z } from "zod";
import { collections } from "../db/collections.js";
import { type MoneyTotals, moneyTotalsSchema, totalsIncrement } from "../money/money-totals.js";
import { type Customer, type CustomerStatus, toCustomer } from "./customer.js";
import { type CustomerQuery, customerFilter } from "./customer-query.js";

/** Fields never read back into the bot (the console's password hash stays in the database). */
const publicFields = { passwordHash: 0 } as const;
const newestFirst = { createdAt: -1, _id: -1 } as const;

export interface CustomerPage {
  customers: Customer[];
  total: number;
}

/** A guarded update that applied: the customer before and after it. */
export interface CustomerChange {
  before: Customer;
  after: Customer;
}

/** The two money fields, in integer minor units; only the money writer changes them. */
export type MoneyField = "balance" | "credits";

/** Basic information an edit may change. */
export type CustomerEdit = Pick<Customer, "account" | "teamName" | "teamType" | "companyName">;

/** Why an unordered insert refused a document (by its index in what was given). */
export type InsertRefusal =
  | { index: number; kind: "customerId-taken" | "account-taken" }
  | { index: number; kind: "refused"; message: string };

/** A customer's money as stored, for recounting and checking it against the ledger. */
export interface CustomerMoney {
  customerId: string;
  balance: number;
  credits: number;
  /** Null until counted from the ledger (customers written by the console or before totals existed). */
  totals: MoneyTotals | null;
}

const customerIdSchema = z.object({ customerId: z.string() });
const customerMoneySchema = z.object({
  customerId: z.string(),
  balance: z.number().default(0),
  credits: z.number().default(0),
});
/**
 * Money writes add to `totals` whether or not it was ever counted; only `countedAt` (set by a count
 * of the whole ledger) says the figures cover every entry.
 */
const countedTotalsSchema = moneyTotalsSchema.extend({ countedAt: z.date() });

function countedTotals(stored: unknown): MoneyTotals | null {
  const parsed = countedTotalsSchema.safeParse(stored);
  if (!parsed.success) return null;
  const { countedAt: _, ...totals } = parsed.data;
  return totals;
}

const balanceAfterSchema = z.object({ account: z.string(), balance: z.number() });
const accountSchema = z.object({ account: z.string() });
const ownerSchema = z.object({ account: z.string(), customerId: z.string() });

/** A duplicate key on the internal ID (not on the account): the document just needs another ID. */
function isCustomerIdClash(writeError: WriteError): boolean {
  const message = writeError.errmsg ?? "";
  return /index: customerId_unique\b/.test(message) || /dup key: \{ ?customerId:/.test(message);
}

function refusalOf(writeError: WriteError): InsertRefusal {
  const { index } = writeError;
  if (writeError.code !== 11000)
    return { index, kind: "refused", message: writeError.errmsg ?? `code ${writeError.code}` };
  return { index, kind: isCustomerIdClash(writeError) ? "customerId-taken" : "account-taken" };
}

/**
 * The `customers` collection: documents in, domain `Customer`s out. Every guard is in an update's
 * filter, so concurrent writers can never get past it.
 */
export class CustomerRepository {
  private readonly collection: Collection<Document>;

  constructor(db: Db) {
    this.collection = db.collection(collections.customers);
  }

  /** Exact match on account (lower-case) or internal ID (upper-case): one round trip. */
  async findExact(ref: string): Promise<Customer | null> {
    const document = await this.collection.findOne(
      {
        $or: [{ account: { $eq: ref.toLowerCase() } }, { customerId: { $eq: ref.toUpperCase() } }],
      },
      { projection: publicFields },
    );
    return document ? toCustomer(document) : null;
  }

  async findByCustomerId(customerId: string, session?: ClientSession): Promise<Customer | null> {
    const document = await this.collection.findOne(
      { customerId: { $eq: customerId } },
      { projection: publicFields, session },
    );
    return document ? toCustomer(document) : null;
  }

  /** One page, newest first, and the number of customers matching. */
  async search(query: CustomerQuery, page: { skip: number; limit: number }): Promise<CustomerPage> {
    const filter = customerFilter(query);
    const [documents, total] = await Promise.all([
      this.collection
        .find(filter, {
          projection: publicFields,
          sort: newestFirst,
          skip: page.skip,
          limit: page.limit,
        })
        .toArray(),
      this.collection.countDocuments(filter),
    ]);
    return { customers: documents.map(toCustomer), total };
  }

  /** Every customer, oldest first, streamed (for export). */
  async *all(): AsyncGenerator<Customer> {
    for await (const document of this.collection.find(
      {},
      { projection: publicFields, sort: { createdAt: 1, _id: 1 } },
    )) {
      yield toCustomer(document);
    }
  }

  /** Which of these accounts exist, with their internal IDs. */
  async ownersOf(accounts: string[]): Promise<Map<string, string>> {
    const found = await this.collection
      .find({ account: { $in: accounts } }, { projection: { _id: 0, account: 1, customerId: 1 } })
      .toArray();
    return new Map(
      found.map((document) => {
        const { account, customerId } = ownerSchema.parse(document);
        return [account, customerId];
      }),
    );
  }

  async insertOne(customer: Customer & { passwordHash: string }, session: ClientSession) {
    await this.collection.insertOne(customer, { session });
  }

  async insertMany(documents: Document[]): Promise<number> {
    if (documents.length === 0) return 0;
    const result = await this.collection.insertMany(documents, { ordered: false });
    return result.insertedCount;
  }

  /** Inserts what it can (unordered) and says why each of the others was refused. */
  async insertEach(customers: Customer[]): Promise<InsertRefusal[]> {
    try {
      await this.collection.insertMany(customers, { ordered: false });
      return [];
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const writeErrors = Array.isArray(error.writeErrors)
        ? error.writeErrors
        : [error.writeErrors];
      if (writeErrors.length === 0) throw error;
      return writeErrors.map(refusalOf);
    }
  }

  /** Adds `amount` to the balance; returns the account and the new balance, null when no customer matched. */
  refill(customerId: string, amount: number, at: Date, session: ClientSession) {
    return this.addToBalance(customerId, {}, amount, at, session);
  }

  /** Takes `amount` off the balance only if the balance is at least `amount`; null otherwise. */
  deductIfAtLeast(customerId: string, amount: number, at: Date, session: ClientSession) {
    return this.addToBalance(customerId, { balance: { $gte: amount } }, -amount, at, session);
  }

  /** Sets `field` to `target` only if it is still `expected`; returns the account, null otherwise. */
  async setIfStill(
    customerId: string,
    field: MoneyField,
    expected: number,
    target: number,
    at: Date,
    session: ClientSession,
  ): Promise<{ account: string } | null> {
    const after = await this.collection.findOneAndUpdate(
      { customerId: { $eq: customerId }, [field]: { $eq: expected } },
      {
        $set: { [field]: target, updatedAt: at },
        $inc: totalsIncrement("totals", field, target - expected),
      },
      { session, returnDocument: "after", projection: { account: 1 } },
    );
    return after ? accountSchema.parse(after) : null;
  }

  /** Up to `limit` customer IDs after `afterCustomerId`, in order: one batch of a recount or a check. */
  async customerIdsAfter(afterCustomerId: string | null, limit: number): Promise<string[]> {
    const documents = await this.collection
      .find(afterCustomerId === null ? {} : { customerId: { $gt: afterCustomerId } }, {
        sort: { customerId: 1 },
        limit,
        projection: { _id: 0, customerId: 1 },
      })
      .toArray();
    return documents.map((document) => customerIdSchema.parse(document).customerId);
  }

  /** A customer's balance, credits and lifetime totals as stored; null when there is no such customer. */
  async moneyOf(customerId: string, session?: ClientSession): Promise<CustomerMoney | null> {
    const document = await this.collection.findOne(
      { customerId: { $eq: customerId } },
      { projection: { _id: 0, customerId: 1, balance: 1, credits: 1, totals: 1 }, session },
    );
    if (!document) return null;
    return { ...customerMoneySchema.parse(document), totals: countedTotals(document.totals) };
  }

  /** About how many customers there are (from the collection's metadata: no scan). */
  estimatedCount(): Promise<number> {
    return this.collection.estimatedDocumentCount();
  }

  /** Replaces the lifetime totals with a count of the whole ledger; false when no customer matched. */
  async setCountedTotals(
    customerId: string,
    totals: MoneyTotals,
    at: Date,
    session: ClientSession,
  ): Promise<boolean> {
    const result = await this.collection.updateOne(
      { customerId: { $eq: customerId } },
      { $set: { totals: { ...totals, countedAt: at } } },
      { session },
    );
    return result.matchedCount === 1;
  }

  /** Edits basic information only if nobody changed the customer since `expectedUpdatedAt`. */
  editIfUnchangedSince(
    customerId: string,
    expectedUpdatedAt: Date,
    edit: CustomerEdit,
    at: Date,
    session: ClientSession,
  ): Promise<CustomerChange | null> {
    return this.updateGuarded(
      customerId,
      { updatedAt: { $eq: expectedUpdatedAt } },
      { ...edit, updatedAt: at },
      session,
    );
  }

  /** Sets the tag unless it already is `tag`. */
  setTagUnlessAlready(customerId: string, tag: string | null, at: Date, session: ClientSession) {
    return this.updateGuarded(customerId, { tag: { $ne: tag } }, { tag, updatedAt: at }, session);
  }

  /** Sets the status unless it already is `status`. */
  setStatusUnlessAlready(
    customerId: string,
    status: CustomerStatus,
    at: Date,
    session: ClientSession,
  ) {
    return this.updateGuarded(
      customerId,
      { status: { $ne: status } },
      { status, updatedAt: at },
      session,
    );
  }

  /** Makes `passwordHash` the customer's password (the hash itself is never read back). */
  setPasswordHash(customerId: string, passwordHash: string, at: Date, session: ClientSession) {
    return this.updateGuarded(
      customerId,
      {},
      { passwordHash, passwordChangedAt: at, updatedAt: at },
      session,
    );
  }

  private async addToBalance(
    customerId: string,
    guard: Filter<Document>,
    delta: number,
    at: Date,
    session: ClientSession,
  ): Promise<{ account: string; balance: number } | null> {
    const after = await this.collection.findOneAndUpdate(
      { customerId: { $eq: customerId }, ...guard },
      {
        $inc: { balance: delta, ...totalsIncrement("totals", "balance", delta) },
        $set: { updatedAt: at },
      },
      { session, returnDocument: "after", projection: { balance: 1, account: 1 } },
    );
    return after ? balanceAfterSchema.parse(after) : null;
  }

  /** Sets `set` on the customer if it still matches `guard`; null when no customer matched. */
  private async updateGuarded(
    customerId: string,
    guard: Filter<Document>,
    set: Document,
    session: ClientSession,
  ): Promise<CustomerChange | null> {
    const before = await this.collection.findOneAndUpdate(
      { customerId: { $eq: customerId }, ...guard },
      { $set: set },
      {
        session,
        returnDocument: "before",
        projection: publicFields,
      },
    );
    if (!before) return null;
    const after = await this.collection.findOne(
      { customerId: { $eq: customerId } },
      { session, projection: publicFields },
    );
    return { before: toCustomer(before), after: toCustomer(after) };
  }
}
