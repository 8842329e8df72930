import { type ClientSession, type Collection, type Db, ObjectId } from "mongodb";
import { z } from "zod";
import { auditEventSchema } from "../audit/audit-event.js";
import { collections } from "../db/collections.js";
import { afterCommit } from "../db/transaction.js";
import { laneOf, type Owed } from "./owed.js";

const owedSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("approval.post"), approvalId: z.string() }),
  z.object({ kind: z.literal("approval.update"), approvalId: z.string() }),
  z.object({
    kind: z.literal("approval.reminder"),
    approvalId: z.string(),
    leftMs: z.number(),
  }),
  z.object({ kind: z.literal("approval.expiry"), approvalId: z.string() }),
  z.object({ kind: z.literal("approval.dm"), approvalId: z.string(), userId: z.string() }),
  z.object({ kind: z.literal("audit.line"), event: auditEventSchema }),
  z.object({
    kind: z.literal("balance.low"),
    to: z.enum(["alerts", "audit"]),
    alert: z.object({
      customerId: z.string(),
      account: z.string(),
      balance: z.number(),
      threshold: z.number(),
      amount: z.number(),
      requestedBy: z.string(),
      approvedBy: z.string().nullable(),
      at: z.date(),
    }),
  }),
  z.object({ kind: z.literal("home.refresh"), userId: z.string() }),
]) satisfies z.ZodType<Owed>;

const entrySchema = z.object({
  _id: z.instanceof(ObjectId),
  lane: z.string(),
  at: z.date(),
  owed: owedSchema,
  attempts: z.number().int(),
  sendingSince: z.date().optional(),
  batch: z.string().optional(),
});

const postedSchema = z.object({ channel: z.string(), ts: z.string() });

/** An entry still to deliver. */
export interface OutboxEntry {
  id: string;
  lane: string;
  at: Date;
  owed: Owed;
  /** Delivery attempts so far. */
  attempts: number;
  /**
   * Set just before a message is sent and cleared when Slack answers: still set on the next attempt
   * means the last one may have posted (a crash or a timeout in between), so look before posting again.
   */
  sendingSince?: Date;
  /** The key of the message that attempt sent (an entry's own ID, or the first of a batch). */
  batch?: string;
}

function toEntry(document: unknown): OutboxEntry {
  const { _id, ...rest } = entrySchema.parse(document);
  return { id: _id.toHexString(), ...rest };
}

const ids = (entryIds: readonly string[]) => ({ $in: entryIds.map((id) => new ObjectId(id)) });

/**
 * The `outbox` collection: everything the bot owes Slack, written in the same transaction as the
 * change that owes it. `onEnqueued` hears of new entries' lanes once they are durable (after the
 * commit), so a poster can deliver them at once instead of at its next scan.
 */
export class OutboxRepository {
  private readonly collection: Collection;
  private listener: (lanes: string[]) => void = () => {};

  constructor(
    db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.collection = db.collection(collections.outbox);
  }

  /** Who hears of new entries (the poster); one listener. */
  onEnqueued(listener: (lanes: string[]) => void): void {
    this.listener = listener;
  }

  /** Records what a change owes, inside the change's transaction when `session` is given. */
  async enqueue(owed: readonly Owed[], session?: ClientSession): Promise<void> {
    if (owed.length === 0) return;
    const at = this.now();
    const documents = owed.map((item) => ({
      _id: new ObjectId(),
      lane: laneOf(item),
      // A lane is delivered in `at` order: audit lines take their event's own time, so the audit
      // channel shows them in the order the trail records them (an event's time is taken before its
      // transaction, so concurrent changes can enqueue in another order); a low-balance line takes
      // its change's, so it follows that change's audit line.
      at:
        item.kind === "audit.line"
          ? item.event.at
          : item.kind === "balance.low"
            ? item.alert.at
            : at,
      owed: item,
      state: "pending",
      attempts: 0,
    }));
    await this.collection.insertMany(documents, { session });
    const lanes = [...new Set(documents.map((document) => document.lane))];
    if (session) afterCommit(session, () => this.listener(lanes));
    else this.listener(lanes);
  }

  /** Lanes that have something to deliver (a handful: channels, and people with a DM or Home due). */
  async lanesWithPending(): Promise<string[]> {
    const lanes = await this.collection.distinct("lane", { state: "pending" });
    return lanes.filter((lane): lane is string => typeof lane === "string");
  }

  /** A lane's next entries to deliver, oldest first. */
  async head(lane: string, limit: number): Promise<OutboxEntry[]> {
    const documents = await this.collection
      .find({ state: "pending", lane: { $eq: lane } }, { sort: { at: 1, _id: 1 }, limit })
      .toArray();
    return documents.map(toEntry);
  }

  /** Notes that a message with key `batch` is about to be sent for these entries. */
  async startSending(entryIds: readonly string[], batch: string): Promise<void> {
    await this.collection.updateMany(
      { _id: ids(entryIds), state: "pending" },
      { $set: { sendingSince: this.now(), batch } },
    );
  }

  /**
   * An attempt failed. `sent: false` when Slack answered that it did nothing (an error or a rate
   * limit), so the next attempt need not look for the message first.
   */
  async attemptFailed(entryIds: readonly string[], error: string, sent: boolean): Promise<void> {
    await this.collection.updateMany(
      { _id: ids(entryIds), state: "pending" },
      sent
        ? { $set: { lastError: error }, $inc: { attempts: 1 } }
        : {
            $set: { lastError: error },
            $unset: { sendingSince: "", batch: "" },
            $inc: { attempts: 1 },
          },
    );
  }

  /** Delivered: the entries are done; `message` is where it landed, when it is a message. */
  async delivered(
    entryIds: readonly string[],
    message?: { channel: string; ts: string },
  ): Promise<void> {
    await this.collection.updateMany(
      { _id: ids(entryIds), state: "pending" },
      {
        $set: { state: "delivered", deliveredAt: this.now(), ...(message ? { message } : {}) },
        $unset: { sendingSince: "" },
        $inc: { attempts: 1 },
      },
    );
  }

  /** Entries that can never be delivered (Slack refuses the message itself): kept, marked failed, out of the way. */
  async failed(entryIds: readonly string[], error: string): Promise<void> {
    await this.collection.updateMany(
      { _id: ids(entryIds), state: "pending" },
      { $set: { state: "failed", lastError: error, failedAt: this.now() }, $inc: { attempts: 1 } },
    );
  }

  /** Where an approval request's post landed, once it is delivered. */
  async postOf(approvalId: string): Promise<{ channel: string; ts: string } | null> {
    const document = await this.collection.findOne(
      { "owed.approvalId": { $eq: approvalId }, "owed.kind": "approval.post", state: "delivered" },
      { projection: { message: 1 } },
    );
    const message = postedSchema.safeParse(document?.message);
    return message.success ? message.data : null;
  }

  /** Undelivered entries, and when the oldest was written (for /metrics). */
  async backlog(): Promise<{ pending: number; oldestAt: Date | null }> {
    const [pending, oldest] = await Promise.all([
      this.collection.countDocuments({ state: "pending" }),
      this.collection.findOne(
        { state: "pending" },
        { sort: { state: 1, at: 1 }, projection: { at: 1 } },
      ),
    ]);
    return { pending, oldestAt: (oldest?.at as Date | undefined) ?? null };
  }
}
