import type { Db } from "mongodb";
import {
  onePendingPerCustomer,
  PasswordResetRepository,
} from "../customers/password-reset-repository.js";
import { collections } from "./collections.js";
import { isDuplicateKey } from "./transaction.js";

/** Every index the app's queries need; created at start-up (a no-op when they exist). */
export async function ensureIndexes(db: Db): Promise<void> {
  await db.collection(collections.customers).createIndexes([
    { key: { account: 1 }, name: "account_unique", unique: true },
    { key: { customerId: 1 }, name: "customerId_unique", unique: true },
    { key: { createdAt: -1, _id: -1 }, name: "newest_first" },
    { key: { teamType: 1, createdAt: -1, _id: -1 }, name: "by_team_type" },
    { key: { status: 1, createdAt: -1, _id: -1 }, name: "by_status" },
    { key: { tag: 1, createdAt: -1, _id: -1 }, name: "by_tag" },
  ]);
  await db.collection(collections.auditEvents).createIndexes([
    { key: { at: -1, _id: -1 }, name: "newest_first" },
    { key: { "target.customerId": 1, at: -1, _id: -1 }, name: "by_customer" },
    { key: { actorId: 1, at: -1, _id: -1 }, name: "by_actor" },
  ]);
  await db
    .collection(collections.idempotencyKeys)
    .createIndexes([
      { key: { at: 1 }, name: "expire_after_30_days", expireAfterSeconds: 30 * 24 * 3600 },
    ]);
  const passwordResetIndexes = () =>
    db.collection(collections.passwordResets).createIndexes([
      { key: { expiresAt: 1 }, name: "expire_a_day_after", expireAfterSeconds: 24 * 3600 },
      {
        key: { customerId: 1 },
        name: onePendingPerCustomer,
        unique: true,
        partialFilterExpression: { state: "pending" },
      },
    ]);
  await passwordResetIndexes().catch(async (error: unknown) => {
    // Passwords stored before older offers were retired: close all but the newest, then build.
    if (!isDuplicateKey(error)) throw error;
    await new PasswordResetRepository(db).closeOlderPendingDuplicates(new Date());
    await passwordResetIndexes();
  });
  await db.collection(collections.invites).createIndexes([
    { key: { tokenHash: 1 }, name: "tokenHash_unique", unique: true },
    { key: { state: 1, createdAt: -1 }, name: "open_newest_first" },
  ]);
  await db.collection(collections.ledgerEntries).createIndexes([
    { key: { idempotencyKey: 1 }, name: "idempotencyKey_unique", unique: true },
    { key: { customerId: 1, at: -1, _id: -1 }, name: "by_customer_newest_first" },
  ]);
  await db.collection(collections.approvals).createIndexes([
    { key: { state: 1, requestedAt: -1 }, name: "by_state_newest_first" },
    { key: { state: 1, expiresAt: 1 }, name: "pending_by_expiry" },
    { key: { requestedBy: 1, requestedAt: -1 }, name: "by_requester" },
    { key: { idempotencyKey: 1 }, name: "idempotencyKey_unique", unique: true },
  ]);
  await db.collection(collections.outbox).createIndexes([
    { key: { state: 1, lane: 1, at: 1, _id: 1 }, name: "pending_by_lane" },
    { key: { state: 1, at: 1 }, name: "oldest_pending" },
    { key: { "owed.approvalId": 1 }, name: "by_approval" },
    // Delivered entries are kept a week, for questions such as "was it sent?".
    {
      key: { deliveredAt: 1 },
      name: "forget_delivered_after_7_days",
      expireAfterSeconds: 7 * 24 * 3600,
    },
  ]);
  await db
    .collection(collections.billingRecords)
    .createIndexes([{ key: { customerId: 1, at: -1 }, name: "by_customer_newest_first" }]);
}
