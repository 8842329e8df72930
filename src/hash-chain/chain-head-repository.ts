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
   * Moves the head from `expected` (null: the chain is empty) to `next`, in the caller's
   * transaction. A head that moved meanwhile is a write conflict in MongoDB (the driver retries
   * the transaction); should the filter still not match, this throws rather than fork the chain.
   */
  async move(
    chain: ChainName,
    expected: ChainHead | null,
    next: ChainHead,
    session: ClientSession,
  ): Promise<void> {
    if (expected === null) {
      await this.collection.insertOne({ _id: chain, ...next }, { session });
      return;
    }
    const result = await this.collection.updateOne(
      { _id: { $eq: chain }, seq: { $eq: expected.seq } },
      { $set: { seq: next.seq, hash: next.hash } },
      { session },
    );
    if (result.matchedCount !== 1)
      throw new Error(`the ${chain} chain's head moved past seq ${expected.seq} meanwhile`);
  }
}
