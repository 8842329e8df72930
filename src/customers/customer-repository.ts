import {
  type ClientSession,
  type Collection,
  type Db,
  type Document,
  type Filter,
  MongoBulkWriteError,
  ObjectId,
  type WriteError,
} from "mongodb";
import { z } from "zod";
import { collections } from "../db/collections.js";
import type { ChainHead } from "../hash-chain/chain.js";
import {
  type MoneyTotals,
  moneyTotalsSchema,
  noMoneyMoved,
  totalsIncrement,
} from "../money/money-totals.js";
import { type Customer, type CustomerStatus, toCustomer } from "./customer.js";
import {
  type BoundedCount,
  boundedCount,
  type CustomerQuery,
  type ListPosition,
  type ListStart,
  listCountPlan,
  listPagePlan,
  searchCandidateLimit,
  suggestionPlan,
} from "./customer-query.js";
import { type SearchKeySource, searchKeysOf } from "./search-keys.js";

/**
 * Fields never read back into the bot: the console's password hash stays in the database, and the
 * search keys are the index's business.
 */
const publicFields = { passwordHash: 0, searchKeys: 0 } as const;
/**
 * What an export reads of each of a million customers: the public fields without `_id` and the
 * lifetime totals, so that neither side encodes or decodes more than a Customer holds.
 */
const exportedFields = { ...publicFields, _id: 0, totals: 0 } as const;

/** A listed customer and where it stands in the list's order (for the page buttons). */
export interface ListedCustomer {
  customer: Customer;
  position: ListPosition;
}

const positionSchema = z.object({
  _id: z.instanceof(ObjectId).transform((id) => id.toHexString()),
  createdAt: z.date(),
});
const facetCountSchema = z
  .array(
    z.object({
      candidates: z.array(z.object({ n: z.number() })),
      matched: z.array(z.object({ n: z.number() })),
    }),
  )
  .length(1);
const searchKeySourceSchema = z.object({
  _id: z.instanceof(ObjectId),
  account: z.string(),
  customerId: z.string(),
  teamName: z.string().nullish(),
  companyName: z.string().nullish(),
});

function withSearchKeys<T extends SearchKeySource>(document: T): T & { searchKeys: string[] } {
  return { ...document, searchKeys: searchKeysOf(document) };
}

/**
 * A customer the bot creates (the create form, import): its search keys, and lifetime totals counted
 * from its (empty) ledger, so billing details read them from the start without a recount.
 */
function newCustomerDocument<T extends Customer>(customer: T) {
  const document = withSearchKeys(customer);
  // Set on the copy withSearchKeys made, not spread into another (an import makes a million).
  if (customer.balance === 0 && customer.credits === 0)
    return Object.assign(document, { totals: { ...noMoneyMoved, countedAt: customer.createdAt } });
  return document;
}

function listed(document: Document): ListedCustomer {
  const { _id, createdAt } = positionSchema.parse(document);
  return { customer: toCustomer(document), position: { createdAt, id: _id } };
}

/** One batch of `rewriteSearchKeys`: how many customers it rewrote, and the last `_id` (hex) it read. */
export interface SearchKeyBatch {
  rewritten: number;
  lastId: string | null;
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

/** A money write's move of the customer's ledger head: from what was read (null: no head yet) to the new entry. */
export interface LedgerHeadMove {
  expected: ChainHead | null;
  next: ChainHead;
}

/** What the money writer reads before a change: the money and the ledger chain's head. */
export interface LedgerState {
  account: string;
  balance: number;
  credits: number;
  ledgerHead: ChainHead | null;
}

const chainHeadSchema = z.object({ seq: z.number(), hash: z.string() });
const ledgerStateSchema = z.object({
  account: z.string(),
  balance: z.number().default(0),
  credits: z.number().default(0),
  ledgerHead: chainHeadSchema.nullable().default(null),
});

/** The guard that the head is still where it was read, and the move of it to the new entry. */
function headMoveOf(head: LedgerHeadMove): { guard: Filter<Document>; set: Document } {
  return {
    guard: head.expected
      ? { "ledgerHead.seq": { $eq: head.expected.seq } }
      : { ledgerHead: { $exists: false } },
    set: { ledgerHead: { seq: head.next.seq, hash: head.next.hash } },
  };
}

const balanceAfterSchema = z.object({ account: z.string(), balance: z.number() });
const accountSchema = z.object({ account: z.string() });
const ownerSchema = z.object({ account: z.string(), customerId: z.string(), createdAt: z.date() });

/** Who holds an account: its internal ID, and since when. */
export interface AccountOwner {
  customerId: string;
  createdAt: Date;
}

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

  /**
   * Up to `limit` customers matching `query` from `start` on: newest first, except before a
   * position or from the oldest (oldest first). Bounded by an index: see `listPagePlan`.
   */
  async listPage(query: CustomerQuery, start: ListStart, limit: number): Promise<ListedCustomer[]> {
    const { pipeline, hint } = listPagePlan(
      query,
      typeof start === "object"
        ? {
            direction: start.direction,
            position: { ...start.position, id: ObjectId.createFromHexString(start.position.id) },
          }
        : start,
      limit,
    );
    const documents = await this.collection
      .aggregate([...pipeline, { $project: publicFields }], { hint })
      .toArray();
    return documents.map(listed);
  }

  /** Up to `limit` customers for the picker, in the search index's order (see `suggestionPlan`). */
  async suggestions(text: string, limit: number): Promise<Customer[]> {
    const plan = suggestionPlan(text, limit);
    if (!plan) return [];
    const documents = await this.collection
      .aggregate([...plan.pipeline, { $project: publicFields }], { hint: plan.hint })
      .toArray();
    const seen = new Set<string>();
    return documents.map(toCustomer).filter((customer) => {
      if (seen.has(customer.customerId)) return false;
      seen.add(customer.customerId);
      return true;
    });
  }

  /** How many customers match `query`: exact up to 1,000; the whole collection's from its metadata. */
  async count(query: CustomerQuery): Promise<BoundedCount> {
    const plan = listCountPlan(query);
    switch (plan.kind) {
      case "everyone":
        return { count: await this.collection.estimatedDocumentCount(), atLeast: false };
      case "exact-filters":
        return boundedCount(
          await this.collection.countDocuments(plan.filter, { limit: plan.limit, hint: plan.hint }),
        );
      case "text": {
        const [counts] = facetCountSchema.parse(
          await this.collection.aggregate(plan.pipeline, { hint: plan.hint }).toArray(),
        );
        const candidates = counts?.candidates[0]?.n ?? 0;
        return boundedCount(counts?.matched[0]?.n ?? 0, candidates > searchCandidateLimit);
      }
    }
  }

  /** How many customers there are, from the collection's metadata (no scan): for progress displays. */
  estimatedCount(): Promise<number> {
    return this.collection.estimatedDocumentCount();
  }

  /**
   * Every customer, oldest first, streamed (for export): `batchSize` documents a round trip, so
   * memory holds one batch, not the driver's default of up to 16 MiB (≈ 72k customers).
   */
  async *all(batchSize = 1000): AsyncGenerator<Customer> {
    for await (const document of this.collection.find(
      {},
      { projection: exportedFields, sort: { createdAt: 1, _id: 1 }, batchSize },
    )) {
      yield toCustomer(document);
    }
  }

  /** Which of these accounts exist, with their internal IDs and when they were created. */
  async ownersOf(accounts: string[]): Promise<Map<string, AccountOwner>> {
    const found = await this.collection
      .find(
        { account: { $in: accounts } },
        { projection: { _id: 0, account: 1, customerId: 1, createdAt: 1 } },
      )
      .toArray();
    return new Map(
      found.map((document) => {
        const { account, customerId, createdAt } = ownerSchema.parse(document);
        return [account, { customerId, createdAt }];
      }),
    );
  }

  async insertOne(customer: Customer & { passwordHash: string }, session: ClientSession) {
    await this.collection.insertOne(newCustomerDocument(customer), { session });
  }

  async insertMany(documents: (SearchKeySource & Document)[]): Promise<number> {
    if (documents.length === 0) return 0;
    const result = await this.collection.insertMany(documents.map(withSearchKeys), {
      ordered: false,
    });
    return result.insertedCount;
  }

  /** Inserts what it can (unordered) and says why each of the others was refused. */
  async insertEach(customers: Customer[]): Promise<InsertRefusal[]> {
    try {
      await this.collection.insertMany(customers.map(newCustomerDocument), { ordered: false });
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

  /**
   * Recomputes the search keys of up to `batchSize` customers after `afterId` (hex; from the start
   * when null), in `_id` order, with one bulk write.
   */
  async rewriteSearchKeys(afterId: string | null, batchSize: number): Promise<SearchKeyBatch> {
    const documents = await this.collection
      .find(afterId ? { _id: { $gt: ObjectId.createFromHexString(afterId) } } : {}, {
        projection: { _id: 1, account: 1, customerId: 1, teamName: 1, companyName: 1 },
        sort: { _id: 1 },
        limit: batchSize,
      })
      .toArray();
    const sources = documents.map((document) => searchKeySourceSchema.parse(document));
    if (sources.length === 0) return { rewritten: 0, lastId: afterId };
    await this.collection.bulkWrite(
      sources.map((source) => ({
        updateOne: {
          filter: { _id: { $eq: source._id } },
          update: { $set: { searchKeys: searchKeysOf(source) } },
        },
      })),
      { ordered: false },
    );
    return { rewritten: sources.length, lastId: sources.at(-1)?._id.toHexString() ?? afterId };
  }

  /** The money and the ledger head, read in the money writer's transaction before it changes them. */
  async ledgerStateOf(customerId: string, session: ClientSession): Promise<LedgerState | null> {
    const document = await this.collection.findOne(
      { customerId: { $eq: customerId } },
      { projection: { _id: 0, account: 1, balance: 1, credits: 1, ledgerHead: 1 }, session },
    );
    return document ? ledgerStateSchema.parse(document) : null;
  }

  /** Adds `amount` to the balance; returns the account and the new balance, null when no customer matched. */
  refill(
    customerId: string,
    amount: number,
    at: Date,
    head: LedgerHeadMove,
    session: ClientSession,
  ) {
    return this.addToBalance(customerId, {}, amount, at, head, session);
  }

  /** Takes `amount` off the balance only if the balance is at least `amount`; null otherwise. */
  deductIfAtLeast(
    customerId: string,
    amount: number,
    at: Date,
    head: LedgerHeadMove,
    session: ClientSession,
  ) {
    return this.addToBalance(customerId, { balance: { $gte: amount } }, -amount, at, head, session);
  }

  /** Sets `field` to `target` only if it is still `expected`; returns the account, null otherwise. */
  async setIfStill(
    customerId: string,
    field: MoneyField,
    expected: number,
    target: number,
    at: Date,
    head: LedgerHeadMove,
    session: ClientSession,
  ): Promise<{ account: string } | null> {
    const move = headMoveOf(head);
    const after = await this.collection.findOneAndUpdate(
      { customerId: { $eq: customerId }, [field]: { $eq: expected }, ...move.guard },
      {
        $set: { [field]: target, updatedAt: at, ...move.set },
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
      { ...edit, searchKeys: searchKeysOf({ ...edit, customerId }), updatedAt: at },
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
    head: LedgerHeadMove,
    session: ClientSession,
  ): Promise<{ account: string; balance: number } | null> {
    const move = headMoveOf(head);
    const after = await this.collection.findOneAndUpdate(
      { customerId: { $eq: customerId }, ...guard, ...move.guard },
      {
        $inc: { balance: delta, ...totalsIncrement("totals", "balance", delta) },
        $set: { updatedAt: at, ...move.set },
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
