import type { ClientSession } from "mongodb";
import { afterAll, beforeEach } from "vitest";
import { ApprovalRepository } from "../../src/approvals/approval-repository.js";
import { ApprovalService } from "../../src/approvals/approval-service.js";
import type { AuditEvent } from "../../src/audit/audit-event.js";
import { AuditRepository } from "../../src/audit/audit-repository.js";
import type { Actor } from "../../src/auth/actor.js";
import type { Customer } from "../../src/customers/customer.js";
import { CustomerRepository } from "../../src/customers/customer-repository.js";
import { collections } from "../../src/db/collections.js";
import { IdempotencyRepository } from "../../src/db/idempotency-repository.js";
import { inTransaction } from "../../src/db/transaction.js";
import { InviteRepository } from "../../src/invites/invite-repository.js";
import { LedgerDayRepository } from "../../src/ledger/ledger-day-repository.js";
import { LedgerRepository } from "../../src/ledger/ledger-repository.js";
import { MoneyWriter } from "../../src/ledger/money-writer.js";
import { currencyOf } from "../../src/money/currency.js";
import { OutboxRepository } from "../../src/outbox/outbox-repository.js";
import { CreditPool } from "../../src/pool/credit-pool.js";
import { PoolRepository } from "../../src/pool/pool-repository.js";
import { aCustomer, insertCustomers } from "./customer-fixtures.js";
import { openTestDatabase } from "./mongo/test-database.js";

export const usd = currencyOf("USD");
export const approvalTtlMs = 3_600_000;
export const support: Actor = { userId: "U0SUPPORT", role: "support" };
export const manager: Actor = { userId: "U0MANAGER", role: "manager" };
export const admin: Actor = { userId: "U0ADMIN", role: "admin" };

export type TestRepositories = Awaited<ReturnType<typeof repositoriesForThisFile>>;

/**
 * For the test file that calls it (at its top level): a fresh test database with every repository on
 * it, and no Slack. `notified` holds the audit events the audit repository announced (only once their
 * transaction committed) and is emptied before each test; `transaction` runs work in one transaction,
 * as the services do. The database is dropped after the file's tests.
 */
export async function repositoriesForThisFile() {
  const database = await openTestDatabase();
  const { client, db } = database;
  const notified: AuditEvent[] = [];
  beforeEach(() => {
    notified.length = 0;
  });
  afterAll(() => database.drop());
  return {
    db,
    client,
    notified,
    audit: new AuditRepository(db, (event) => notified.push(event)),
    customers: new CustomerRepository(db),
    ledger: new LedgerRepository(db),
    ledgerDays: new LedgerDayRepository(db),
    approvals: new ApprovalRepository(db),
    pool: new PoolRepository(db),
    invites: new InviteRepository(db),
    idempotency: new IdempotencyRepository(db),
    outbox: new OutboxRepository(db),
    transaction: <T>(work: (session: ClientSession) => Promise<T>) => inTransaction(client, work),
  };
}

/** The money services on `repositories`, as the app wires them, on the clock `now`. */
export function moneyServices(repositories: TestRepositories, now: () => Date) {
  const { client, customers, ledger, approvals, audit } = repositories;
  const pool = new CreditPool(client, repositories.pool, approvals, audit, usd, now);
  const writer = new MoneyWriter(customers, ledger, repositories.ledgerDays, pool, audit, usd);
  const approvalService = new ApprovalService(
    client,
    approvals,
    customers,
    writer,
    pool,
    audit,
    { ttlMs: approvalTtlMs, currency: usd, dualApprovalLimit: 500_000 },
    now,
    repositories.outbox,
  );
  return { pool, writer, approvals: approvalService };
}

/** Sets the pool's total and granted (and `left` with them), creating the pool if needed. */
export async function setPool(
  repositories: TestRepositories,
  values: { total: number; granted: number },
): Promise<void> {
  await repositories.db
    .collection(collections.platform)
    .updateOne(
      { _id: "credit_pool" as never },
      { $set: { ...values, left: values.total - values.granted, updatedAt: new Date() } },
      { upsert: true },
    );
}

/** A customer with sensible values (see `aCustomer`), stored in the repositories' database. */
export async function storedCustomer(
  repositories: TestRepositories,
  overrides: Partial<Customer> = {},
): Promise<Customer> {
  const customer = aCustomer(overrides);
  await insertCustomers(repositories.db, [customer]);
  return customer;
}
