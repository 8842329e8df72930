import { type Db, MongoServerError } from "mongodb";
import { collections } from "./collections.js";
import { isDuplicateKey } from "./transaction.js";

const namespaceNotFound = 26;

/** The unique index that keeps one pending generated password per customer. */
export const onePendingPerCustomer = "one_pending_per_customer";

/**
 * Before the one-pending-per-customer index exists: closes all but the newest pending password of
 * each customer (stored before older offers were retired), so the index can be built. Pending
 * passwords are few (they expire within the reset TTL), so this reads little; it runs only when
 * building the index found duplicates.
 */
async function closeOlderPendingPasswords(db: Db, at: Date): Promise<void> {
  const resets = db.collection<{ _id: string }>(collections.passwordResets);
  const duplicates = await resets
    .aggregate<{ older: string[] }>([
      { $match: { state: "pending" } },
      { $sort: { createdAt: -1 } },
      { $group: { _id: "$customerId", ids: { $push: "$_id" } } },
      { $match: { "ids.1": { $exists: true } } },
      { $project: { older: { $slice: ["$ids", 1, { $size: "$ids" }] } } },
    ])
    .toArray();
  const older = duplicates.flatMap((duplicate) => duplicate.older);
  if (older.length > 0)
    await resets.updateMany(
      { _id: { $in: older }, state: "pending" },
      { $set: { state: "replaced", closedAt: at } },
    );
}

const usageNewestFirst = "by_customer_newest_first";

/**
 * Databases set up before usage pages ended in `_id` have `by_customer_newest_first` as
 * `{customerId, at}`, which cannot give the "latest 5" in order: dropped here, rebuilt with `_id`.
 */
async function dropOlderUsageIndex(db: Db): Promise<void> {
  const usage = db.collection(collections.billingRecords);
  const existing = await usage
    .listIndexes()
    .toArray()
    .catch((error: unknown) => {
      if (error instanceof MongoServerError && error.code === namespaceNotFound) return [];
      throw error;
    });
  const older = existing.find((index) => index.name === usageNewestFirst && !("_id" in index.key));
  if (older) await usage.dropIndex(usageNewestFirst);
}

/** One declared index: what `createIndexes` is given. */
export interface IndexSpec {
  readonly key: Readonly<Record<string, 1 | -1>>;
  readonly name: string;
  readonly unique?: boolean;
  readonly expireAfterSeconds?: number;
  readonly partialFilterExpression?: Readonly<Record<string, unknown>>;
}

/**
 * Every index the app's queries need, per collection (besides `_id`). `ensureIndexes` creates them;
 * the suite's query-plan check (test/support/query-plan) checks every query the app sends against
 * them, so a query is only as good as this list.
 */
export const indexSpecs: Readonly<Record<string, readonly IndexSpec[]>> = {
  [collections.customers]: [
    { key: { account: 1 }, name: "account_unique", unique: true },
    { key: { customerId: 1 }, name: "customerId_unique", unique: true },
    { key: { createdAt: -1, _id: -1 }, name: "newest_first" },
    { key: { teamType: 1, createdAt: -1, _id: -1 }, name: "by_team_type" },
    { key: { status: 1, createdAt: -1, _id: -1 }, name: "by_status" },
    { key: { tag: 1, createdAt: -1, _id: -1 }, name: "by_tag" },
    // Multikey: a word's `^prefix` is one bounded range; within one key, newest first.
    { key: { searchKeys: 1, createdAt: -1, _id: -1 }, name: "search_keys" },
  ],
  [collections.auditEvents]: [
    { key: { at: -1, _id: -1 }, name: "newest_first" },
    { key: { "target.customerId": 1, at: -1, _id: -1 }, name: "by_customer" },
    { key: { actorId: 1, at: -1, _id: -1 }, name: "by_actor" },
    // The audit chain, one link per seq; events recorded before chaining have no seq.
    { key: { seq: 1 }, name: "chain", unique: true, partialFilterExpression: { seq: { $gt: 0 } } },
  ],
  [collections.idempotencyKeys]: [
    { key: { at: 1 }, name: "expire_after_30_days", expireAfterSeconds: 30 * 24 * 3600 },
  ],
  [collections.passwordResets]: [
    { key: { expiresAt: 1 }, name: "expire_a_day_after", expireAfterSeconds: 24 * 3600 },
    {
      key: { customerId: 1 },
      name: onePendingPerCustomer,
      unique: true,
      partialFilterExpression: { state: "pending" },
    },
  ],
  [collections.invites]: [
    { key: { tokenHash: 1 }, name: "tokenHash_unique", unique: true },
    // Open invites not yet expired, newest expiry first: the walk stops at the first expired one.
    { key: { state: 1, expiresAt: -1, _id: -1 }, name: "open_by_expiry" },
  ],
  [collections.ledgerEntries]: [
    { key: { idempotencyKey: 1 }, name: "idempotencyKey_unique", unique: true },
    { key: { customerId: 1, at: -1, _id: -1 }, name: "by_customer_newest_first" },
    // Each customer's chain, one link per seq (the head's guard is the first line of defence).
    {
      key: { customerId: 1, seq: 1 },
      name: "chain_per_customer",
      unique: true,
      partialFilterExpression: { seq: { $gt: 0 } },
    },
    // One support member's direct changes to one customer in the last 24 h (the rolling limit).
    {
      key: { customerId: 1, actorId: 1, approvalId: 1, at: -1, _id: -1 },
      name: "direct_by_actor",
    },
  ],
  [collections.ledgerDays]: [
    { key: { customerId: 1, day: -1 }, name: "one_per_customer_day", unique: true },
  ],
  [collections.approvals]: [
    { key: { state: 1, requestedAt: -1 }, name: "by_state_newest_first" },
    { key: { state: 1, expiresAt: 1 }, name: "pending_by_expiry" },
    { key: { requestedBy: 1, requestedAt: -1 }, name: "by_requester" },
    // Someone's own pending requests (App Home's "My work"), latest expiry first.
    { key: { requestedBy: 1, state: 1, expiresAt: -1 }, name: "pending_by_requester" },
    { key: { idempotencyKey: 1 }, name: "idempotencyKey_unique", unique: true },
    // Pending requests whose thread reminder is due, longest-due first (the approvals sweep).
    { key: { state: 1, remindAt: 1 }, name: "pending_by_reminder" },
    // At most one pending reversal request per ledger entry (a second one is refused at once).
    {
      key: { "reverses.entryId": 1 },
      name: "one_pending_reversal_per_entry",
      unique: true,
      partialFilterExpression: { state: "pending", kind: "reversal" },
    },
  ],
  [collections.outbox]: [
    { key: { state: 1, lane: 1, at: 1, _id: 1 }, name: "pending_by_lane" },
    { key: { state: 1, at: 1 }, name: "oldest_pending" },
    { key: { "owed.approvalId": 1 }, name: "by_approval" },
    // Delivered entries are kept a week, for questions such as "was it sent?".
    {
      key: { deliveredAt: 1 },
      name: "forget_delivered_after_7_days",
      expireAfterSeconds: 7 * 24 * 3600,
    },
  ],
  [collections.billingRecords]: [
    { key: { customerId: 1, at: -1, _id: -1 }, name: usageNewestFirst },
  ],
  [collections.channelLinks]: [
    // One channel is linked to at most one customer; two links of it cannot both commit.
    { key: { channelId: 1 }, name: "channelId_unique", unique: true },
    { key: { linkedAt: -1, _id: -1 }, name: "newest_first" },
  ],
};

function createDeclaredIndexes(db: Db, collection: string): Promise<unknown> {
  const specs = indexSpecs[collection] ?? [];
  if (specs.length === 0) return Promise.resolve();
  return db
    .collection(collection)
    .createIndexes(specs.map((spec) => ({ ...spec, key: { ...spec.key } })));
}

/** Creates every declared index at start-up (a no-op when they exist). */
export async function ensureIndexes(db: Db): Promise<void> {
  await dropOlderUsageIndex(db);
  for (const collection of Object.keys(indexSpecs)) {
    if (collection === collections.passwordResets) continue;
    await createDeclaredIndexes(db, collection);
  }
  await createDeclaredIndexes(db, collections.passwordResets).catch(async (error: unknown) => {
    // Passwords stored before older offers were retired: close all but the newest, then build.
    if (!isDuplicateKey(error)) throw error;
    await closeOlderPendingPasswords(db, new Date());
    await createDeclaredIndexes(db, collections.passwordResets);
  });
}
