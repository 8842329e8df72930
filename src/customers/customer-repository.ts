import type { ClientSession, Collection, Db, Document, UpdateFilter } from "mongodb";
import { collections } from "../db/collections.js";
import { type Customer, toCustomer } from "./customer.js";
import { type CustomerQuery, customerFilter } from "./customer-query.js";

/** Fields never read back into the bot (the console's password hash stays in the database). */
const publicFields = { passwordHash: 0 } as const;
const newestFirst = { createdAt: -1, _id: -1 } as const;

export interface CustomerPage {
  customers: Customer[];
  total: number;
}

/** The `customers` collection: documents in, domain `Customer`s out. */
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

  async findByCustomerId(customerId: string): Promise<Customer | null> {
    const document = await this.collection.findOne(
      { customerId: { $eq: customerId } },
      { projection: publicFields },
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

  async insertOne(document: Document, session: ClientSession): Promise<void> {
    await this.collection.insertOne(document, { session });
  }

  /**
   * Applies `update` to the customer if it still matches `guard` (the database holds the guard), and
   * returns the customer before and after; null when no customer matched.
   */
  async updateGuarded(
    customerId: string,
    guard: Document,
    update: UpdateFilter<Document>,
    session: ClientSession,
  ): Promise<{ before: Customer; after: Customer } | null> {
    const before = await this.collection.findOneAndUpdate(
      { customerId: { $eq: customerId }, ...guard },
      update,
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

  async insertMany(documents: Document[]): Promise<number> {
    if (documents.length === 0) return 0;
    const result = await this.collection.insertMany(documents, { ordered: false });
    return result.insertedCount;
  }
}
