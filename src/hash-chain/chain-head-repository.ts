import type { ClientSession, Collection, Db } from "mongodb";
import { z } from "zod";
import { collections } from "../db/collections.js";
import type { ChainHead } from "./chain.js";

/** The chains with one head document each (a customer's ledger head lives on the customer). */
export type ChainName = "audit";

interface ChainHeadDocument {
  _id: ChainName;
  seq: number;
  hash: string;
  /** When a transaction last claimed the head to extend the chain (see `claim`). */
  claimedAt?: Date;
}

const chainHeadSchema = z.object({ seq: z.number().int().positive(), hash: z.string() });

/**
 * The `chain_heads` collection: one document per chain, moved only by a guarded update on the
 * seq it was read at, so two writers can never both extend the chain from the same link.
 */
export class ChainHeadRepository {
  private readonly collection: Collection<ChainHeadDocument>;

  constructor(db: Db) {
    this.collection = db.collection<ChainHeadDocument>(collections.chainHeads);
  }

  /** The chain's head; null while the chain is empty. */
  async headOf(chain: ChainName, session?: ClientSession): Promise<ChainHead | null> {
    const document = await this.collection.findOne(
      { _id: { $eq: chain } },
      { projection: { _id: 0, seq: 1, hash: 1 }, session },
    );
    return document ? chainHeadSchema.parse(document) : null;
  }

  /**
   * The chain's head (null while the chain is empty), read by a write in the caller's transaction
   * that marks it claimed: from then until that transaction ends, any other transaction that
   * writes the head conflicts — rather than this one at its move, after linking and inserting a
   * batch of events meanwhile, which a stream of short writers in another process could make
   * happen every time.
   */
  async claim(chain: ChainName, session: ClientSession): Promise<ChainHead | null> {
    const document = await this.collection.findOneAndUpdate(
      { _id: { $eq: chain } },
      { $set: { claimedAt: new Date() } },
      { projection: { _id: 0, seq: 1, hash: 1 }, returnDocument: "before", session },
    );
    return document ? chainHeadSchema.parse(document) : null;
  }

  /**
   * Moves the head from exactly `expected` (its seq and hash; null: the chain is empty) to `next`,
   * in the caller's transaction; false, moving nothing, when the head is not at `expected`. A head
   * that another transaction moved meanwhile is a write conflict in MongoDB (the driver retries
   * the transaction), so false means the caller linked after a head that was not the chain's.
   */
  async move(
    chain: ChainName,
    expected: ChainHead | null,
    next: ChainHead,
    session: ClientSession,
  ): Promise<boolean> {
    if (expected === null) {
      await this.collection.insertOne({ _id: chain, ...next }, { session });
      return true;
    }
    const result = await this.collection.updateOne(
      { _id: { $eq: chain }, seq: { $eq: expected.seq }, hash: { $eq: expected.hash } },
      { $set: { seq: next.seq, hash: next.hash } },
      { session },
    );
    return result.matchedCount === 1;
  }
}
