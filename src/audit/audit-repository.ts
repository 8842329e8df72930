import type { ClientSession, Collection, Db, Document, MongoClient } from "mongodb";
import { collections } from "../db/collections.js";
import { type KeysetPage, keysetPage, type PageCursor } from "../db/keyset-page.js";
import { afterCommit, inTransaction } from "../db/transaction.js";
import { type ChainHead, linkAll } from "../hash-chain/chain.js";
import { ChainHeadRepository } from "../hash-chain/chain-head-repository.js";
import { type AuditEvent, auditEventSchema } from "./audit-event.js";
import { ChainTurns } from "./chain-turns.js";

const toAuditEvent = (document: unknown): AuditEvent => auditEventSchema.parse(document);

/** Records, in the caller's transaction, that these changes each owe a line in the audit channel. */
export type OweAuditLines = (events: AuditEvent[], session?: ClientSession) => Promise<void>;

/**
 * The `audit_events` collection. Append-only: this class has no update or delete, by design.
 * Every event is a link of the one audit chain (`seq`, `prevHash`, `hash`; README “The ledger's
 * hash chain”), chained in the transaction that records it — a write given no session gets a short
 * transaction of its own — with the chain's head moved as the write's last step but one (the
 * events' insert), so concurrent writers serialise on the head for as short a time as possible.
 * The head linked after is the one this process last committed when it knows it (`ChainTurns`),
 * else the one claimed in the transaction. `onRecorded` hears of every event once it is durable
 * (after its transaction commits). With `oweAuditLines`, every change (outcome "done") also owes a
 * line in the audit channel, recorded (in the outbox) in the same transaction as the event.
 */
export class AuditRepository {
  private readonly collection: Collection<AuditEvent>;
  private readonly heads: ChainHeadRepository;
  private readonly client: MongoClient;
  private readonly turns: ChainTurns;

  constructor(
    db: Db,
    private readonly onRecorded: (event: AuditEvent) => void = () => {},
    private readonly oweAuditLines?: OweAuditLines,
  ) {
    this.collection = db.collection<AuditEvent>(collections.auditEvents);
    this.heads = new ChainHeadRepository(db);
    this.client = db.client;
    this.turns = new ChainTurns(db.databaseName);
  }

  /**
   * Takes this transaction's turn at the audit chain now, for a transaction that will record events:
   * taken before its first read, it is never started again because of this process's other writers
   * (README “The ledger's hash chain”).
   */
  takeChainTurn(session: ClientSession): Promise<void> {
    return this.turns.take(session);
  }

  record(event: AuditEvent, session?: ClientSession): Promise<void> {
    return this.recordMany([event], session);
  }

  /** Records `events` in order as the next links of the audit chain. */
  async recordMany(events: AuditEvent[], session?: ClientSession): Promise<void> {
    if (events.length === 0) return;
    if (!session) {
      await inTransaction(this.client, (own) => this.recordMany(events, own));
      return;
    }
    await this.oweLines(events, session);
    await this.turns.take(session);
    const known = this.turns.knownHead(session);
    let head = known ?? (await this.heads.claim("audit", session));
    let chained = linkAll(head, events);
    // The head is moved before the events go in: from then on another process's writer to the
    // chain is the one that conflicts (and retries, its transaction short), not this one, however
    // many events it inserts (an import's batch: without it, a process recording events one at a
    // time kept an import in another process retrying its batch for good).
    let moved = await this.heads.move("audit", head, chained.head as ChainHead, session);
    if (!moved && known) {
      // Linked after the head this process last committed, but another process (or an emptied
      // database) has moved the chain since: link after the head as it is (nothing was written).
      // Forgotten, so that an attempt the claim's conflict starts over begins with the claim.
      this.turns.forgetHead();
      head = await this.heads.claim("audit", session);
      chained = linkAll(head, events);
      moved = await this.heads.move("audit", head, chained.head as ChainHead, session);
    }
    if (!moved)
      throw new Error(`the audit chain's head moved past seq ${head?.seq ?? 0} meanwhile`);
    this.turns.moving(session, chained.head as ChainHead);
    await this.collection.insertMany(chained.linked, { session });
    for (const event of events) afterCommit(session, () => this.onRecorded(event));
  }

  /** The audit chain's head; null before the first chained event. */
  chainHead(): Promise<ChainHead | null> {
    return this.heads.headOf("audit");
  }

  /**
   * The chained events up to `lastSeq`, in seq order, as stored (every field, for recomputing
   * hashes), streamed `batchSize` a round trip through the `chain` index.
   */
  chainUpTo(lastSeq: number, batchSize = 1000): AsyncIterable<Document> {
    return this.collection.find(
      { seq: { $gt: 0, $lte: lastSeq } },
      { sort: { seq: 1 }, batchSize },
    ) as AsyncIterable<Document>;
  }

  private async oweLines(events: AuditEvent[], session?: ClientSession): Promise<void> {
    const done = events.filter((event) => event.outcome === "done");
    if (this.oweAuditLines && done.length > 0) await this.oweAuditLines(done, session);
  }

  /**
   * One page of a customer's trail, newest first, refused attempts included; null when the cursor
   * is not one of that customer's events.
   */
  pageForCustomer(
    customerId: string,
    cursor: PageCursor | null,
    limit: number,
  ): Promise<KeysetPage<AuditEvent> | null> {
    return keysetPage(
      this.collection,
      { "target.customerId": { $eq: customerId } },
      cursor,
      limit,
      toAuditEvent,
    );
  }

  /** The latest events across the team, newest first. */
  async latest(limit: number): Promise<AuditEvent[]> {
    const documents = await this.collection
      .find({}, { sort: { at: -1, _id: -1 }, limit, projection: { _id: 0 } })
      .toArray();
    return documents.map(toAuditEvent);
  }

  /**
   * The events one request (e.g. one import run) that started at `since` recorded about these
   * customers. `since` bounds the `by_customer` index scan to the request's time, so a customer
   * with a long trail costs no more than a new one.
   */
  async eventsOfRequest(
    requestId: string,
    customerIds: string[],
    since: Date,
  ): Promise<AuditEvent[]> {
    if (customerIds.length === 0) return [];
    const documents = await this.collection
      .find(
        {
          "target.customerId": { $in: customerIds },
          at: { $gte: since },
          requestId: { $eq: requestId },
        },
        { projection: { _id: 0 } },
      )
      .toArray();
    return documents.map(toAuditEvent);
  }

  /** How many events there are, from the collection's metadata (no scan): for progress displays. */
  estimatedCount(): Promise<number> {
    return this.collection.estimatedDocumentCount();
  }

  /**
   * Every event, oldest first, streamed (for the compliance export): `batchSize` documents a
   * round trip, so memory holds one batch, not the driver's default of up to 16 MiB.
   */
  async *all(batchSize = 1000): AsyncGenerator<AuditEvent> {
    for await (const document of this.collection.find(
      {},
      { sort: { at: 1, _id: 1 }, projection: { _id: 0 }, batchSize },
    ))
      yield toAuditEvent(document);
  }
}
