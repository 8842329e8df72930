/**
 * Every transaction callback of the product (each `inTransaction(client, work)`) keeps all its reads
 * and writes in its transaction. Each test runs the operation once and checks what a user sees: a
 * read that forgot `{ session }` misses the transaction's own writes, and a write that forgot it, to
 * a document the transaction already wrote, waits for that transaction forever (`within` cuts it
 * short). Then it runs the operation again with the commit failing: the operation must reject, leave
 * every document as it was and send no audit notice (those go out only after a commit). A write that
 * forgot `{ session }` would have been committed on its own, and stayed.
 */
import { type CommandStartedEvent, MongoClient, ObjectId } from "mongodb";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ApprovalKind } from "../../src/approvals/approval.js";
import { ApprovalRepository } from "../../src/approvals/approval-repository.js";
import { ApprovalService } from "../../src/approvals/approval-service.js";
import type { AuditEvent } from "../../src/audit/audit-event.js";
import { AuditRepository } from "../../src/audit/audit-repository.js";
import type { Actor } from "../../src/auth/actor.js";
import type { Customer } from "../../src/customers/customer.js";
import { CustomerLifecycle } from "../../src/customers/customer-lifecycle.js";
import { CustomerRepository } from "../../src/customers/customer-repository.js";
import { PasswordResetRepository } from "../../src/customers/password-reset-repository.js";
import { PasswordResets } from "../../src/customers/password-resets.js";
import { collections } from "../../src/db/collections.js";
import { IdempotencyRepository } from "../../src/db/idempotency-repository.js";
import { InviteRepository } from "../../src/invites/invite-repository.js";
import { Invites } from "../../src/invites/invites.js";
import { LedgerDayRepository } from "../../src/ledger/ledger-day-repository.js";
import { LedgerRepository } from "../../src/ledger/ledger-repository.js";
import { MoneyWriter } from "../../src/ledger/money-writer.js";
import { currencyOf } from "../../src/money/currency.js";
import { MoneyService } from "../../src/money-changes/money-service.js";
import { OutboxRepository } from "../../src/outbox/outbox-repository.js";
import { CreditPool } from "../../src/pool/credit-pool.js";
import { PoolRepository } from "../../src/pool/pool-repository.js";
import { verifyPassword } from "../../src/security/password.js";
import { hashToken } from "../../src/security/tokens.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import {
  type FailCommand,
  failPointsFor,
  faultMongoUnavailableReason,
  startFaultMongo,
  uniqueAppName,
} from "../support/mongo/fail-points.js";
import { openTestDatabase } from "../support/mongo/test-database.js";
import {
  differences,
  everyDocument,
  type OneShotFailPoint,
  oneShotFailPoint,
  transactionSessions,
  within,
} from "../support/mongo/transaction-faults.js";

type TestDatabase = Awaited<ReturnType<typeof openTestDatabase>>;

const appName = uniqueAppName();
/**
 * NoSuchTransaction (251) with no error labels: a definite "not committed", neither transient nor an
 * unknown commit result, so the driver does not retry. (Not InterruptedAtShutdown, 11600: the driver
 * would take the server for shutting down and make the next command wait ~0.5 s for a heartbeat.)
 */
const failedCommit = {
  failCommands: ["commitTransaction"],
  errorCode: 251,
  errorLabels: [],
} satisfies FailCommand;
/** Far above what any operation here takes; a write waiting for its own transaction never ends. */
const operationBoundMs = 3000;
const at = new Date("2026-05-04T09:30:00.000Z");
const usd = currencyOf("USD");
const support: Actor = { userId: "U0SUPPORT", role: "support" };
const manager: Actor = { userId: "U0MANAGER", role: "manager" };
const admin: Actor = { userId: "U0ADMIN", role: "admin" };

let database: TestDatabase;
/** Another client of the same server (another bot instance, say), whose commands no fail point meets. */
let otherInstance: MongoClient;
let faults: OneShotFailPoint;
let transactions: ReturnType<typeof transactionSessions>;
/** Audit events as `onRecorded` heard of them: only once their transaction committed. */
const notified: AuditEvent[] = [];
let customers: CustomerRepository;
let pool: CreditPool;
let approvals: ApprovalService;
let money: MoneyService;
let lifecycle: CustomerLifecycle;
let passwordResets: PasswordResets;
let invites: Invites;

const unavailable = await faultMongoUnavailableReason();
let mongo: Awaited<ReturnType<typeof startFaultMongo>>;
if (unavailable) console.log(`transaction callback tests skipped: ${unavailable}`);

beforeAll(async () => {
  mongo = await startFaultMongo();
  database = await openTestDatabase({ appName, monitorCommands: true }, mongo.uri);
  const { client, db } = database;
  faults = oneShotFailPoint(failPointsFor(client, appName));
  transactions = transactionSessions(client);
  otherInstance = await new MongoClient(mongo.uri, {
    appName: uniqueAppName(),
  }).connect();
  const now = () => at;
  const audit = new AuditRepository(db, (event) => notified.push(event));
  customers = new CustomerRepository(db);
  const approvalRepository = new ApprovalRepository(db);
  const idempotency = new IdempotencyRepository(db);
  pool = new CreditPool(client, new PoolRepository(db), approvalRepository, audit, usd, now);
  await pool.ensureExists();
  const ledger = new LedgerRepository(db);
  const writer = new MoneyWriter(customers, ledger, new LedgerDayRepository(db), pool, audit, usd);
  approvals = new ApprovalService(
    client,
    approvalRepository,
    customers,
    writer,
    pool,
    audit,
    { ttlMs: 3_600_000, currency: usd, dualApprovalLimit: 500_000 },
    now,
    new OutboxRepository(db, now),
  );
  money = new MoneyService(
    client,
    idempotency,
    customers,
    writer,
    approvals,
    pool,
    audit,
    { currency: usd, balanceApprovalLimit: 100_000 },
    now,
    ledger,
  );
  lifecycle = new CustomerLifecycle(client, idempotency, customers, audit, now);
  passwordResets = new PasswordResets(
    client,
    new PasswordResetRepository(db),
    customers,
    audit,
    600_000,
    now,
  );
  invites = new Invites(
    client,
    new InviteRepository(db),
    audit,
    { consoleBaseUrl: "https://console.example.com", ttlMs: 86_400_000 },
    now,
  );
});
afterEach(async () => {
  await faults.disarm();
  await transactions.endAll();
});
afterAll(async () => {
  await otherInstance.close();
  await database.drop();
  await mongo.stop();
});

/** Runs `operation`, bounded, and clears what the audit notices heard before it. */
function run<T>(what: string, operation: () => Promise<T>): Promise<T> {
  notified.length = 0;
  return within(operationBoundMs, what, operation());
}

/**
 * Runs `operation` with its commit failing: it must reject with that error, leave every document as
 * it was and send no audit notice.
 */
async function expectFailedCommitLeavesNothing(what: string, operation: () => Promise<unknown>) {
  const before = await everyDocument(database.db);
  await faults.arm(failedCommit);
  await expect(run(what, operation)).rejects.toMatchObject({ code: failedCommit.errorCode });
  faults.fired();
  expect(differences(before, await everyDocument(database.db))).toEqual({});
  expect(notified).toEqual([]);
}

async function newCustomer(overrides: Parameters<typeof aCustomer>[0] = {}) {
  const customer = aCustomer(overrides);
  await insertCustomers(database.db, [customer]);
  return customer;
}

const customerDocument = (customerId: string) =>
  database.db.collection(collections.customers).findOne({ customerId });
const ledgerOf = (customerId: string) =>
  database.db
    .collection(collections.ledgerEntries)
    .find({ customerId }, { projection: { _id: 0, kind: 1, amount: 1, after: 1 } })
    .toArray();
const auditActions = (filter: Record<string, unknown>) =>
  database.db
    .collection(collections.auditEvents)
    .find(filter)
    .map((event) => event.action as string)
    .toArray();
const poolDocument = () =>
  database.db
    .collection(collections.platform)
    .findOne({ _id: "credit_pool" as never }, { projection: { _id: 0, updatedAt: 0 } });

async function pendingRequest(
  kind: ApprovalKind,
  { customerId, account }: Customer,
  current: number,
  target: number,
) {
  const { approval } = await approvals.request({
    kind,
    customerId,
    account,
    current,
    target,
    reason: "customer asked",
    requester: support,
    idempotencyKey: `request-${new ObjectId().toHexString()}`,
  });
  return approval;
}

async function setPool(values: { total: number; granted: number }) {
  await database.db
    .collection(collections.platform)
    .updateOne(
      { _id: "credit_pool" as never },
      { $set: { ...values, left: values.total - values.granted } },
    );
}

const approvalDocument = (approvalId: string) =>
  database.db.collection(collections.approvals).findOne({ _id: new ObjectId(approvalId) });

describe.skipIf(unavailable !== null)("money", () => {
  it("a balance refill commits balance, ledger entry and audit record together; a failed commit leaves none of them behind", async () => {
    const customer = await newCustomer({ balance: 1000 });

    const refill = await run("a balance refill", () =>
      money.changeBalance(
        customer.customerId,
        500,
        "top-up",
        support,
        `refill-${customer.customerId}`,
      ),
    );
    expect(refill).toEqual({
      kind: "applied",
      account: customer.account,
      before: 1000,
      after: 1500,
      repeated: false,
    });
    expect((await customerDocument(customer.customerId))?.balance).toBe(1500);
    expect(await ledgerOf(customer.customerId)).toEqual([
      { kind: "balance.refill", amount: 500, after: 1500 },
    ]);
    expect(notified.map((event) => event.action)).toEqual(["balance.refill"]);

    await expectFailedCommitLeavesNothing("a balance refill", () =>
      money.changeBalance(
        customer.customerId,
        700,
        "top-up",
        support,
        `again-${customer.customerId}`,
      ),
    );
  });
});

describe.skipIf(unavailable !== null)("approvals", () => {
  it("a request is stored pending with its audit record; a failed commit stores neither", async () => {
    const customer = await newCustomer({ balance: 1000 });

    const approval = await run("a balance request", () =>
      pendingRequest("balance", customer, 1000, 900_000),
    );
    expect(await approvalDocument(approval.approvalId)).toMatchObject({
      state: "pending",
      difference: 899_000,
    });
    expect(notified.map((event) => event.action)).toEqual(["approval.request.balance"]);

    await expectFailedCommitLeavesNothing("a credits request", () =>
      pendingRequest("credits", customer, 0, 5000),
    );
  });

  it("approving credits moves them from the pool with ledger entry, audit records and the pool left noted; a failed commit moves nothing", async () => {
    await setPool({ total: 10_000, granted: 0 });
    const customer = await newCustomer();
    const first = await pendingRequest("credits", customer, 0, 2000);

    const decision = await run("approving credits", () =>
      approvals.approve(first.approvalId, manager),
    );
    expect(decision).toMatchObject({
      kind: "approved",
      approval: { state: "approved", poolLeftAfter: 8000 },
    });
    expect(await approvalDocument(first.approvalId)).toMatchObject({
      state: "approved",
      decidedBy: manager.userId,
      poolLeftAfter: 8000,
    });
    expect((await customerDocument(customer.customerId))?.credits).toBe(2000);
    expect(await poolDocument()).toEqual({ total: 10_000, granted: 2000, left: 8000 });
    expect(await ledgerOf(customer.customerId)).toEqual([
      { kind: "credits.grant", amount: 2000, after: 2000 },
    ]);
    expect(notified.map((event) => event.action)).toEqual(["credits.grant", "approval.approve"]);

    const second = await pendingRequest("credits", customer, 2000, 3000);
    await expectFailedCommitLeavesNothing("approving credits", () =>
      approvals.approve(second.approvalId, manager),
    );
  });

  it("approving a balance change sets the balance with ledger entry and audit records; a failed commit changes nothing", async () => {
    const customer = await newCustomer({ balance: 1000 });
    const first = await pendingRequest("balance", customer, 1000, 250_000);

    const decision = await run("approving a balance change", () =>
      approvals.approve(first.approvalId, manager),
    );
    expect(decision).toMatchObject({ kind: "approved", approval: { state: "approved" } });
    expect(await approvalDocument(first.approvalId)).toMatchObject({ state: "approved" });
    expect((await customerDocument(customer.customerId))?.balance).toBe(250_000);
    expect(await ledgerOf(customer.customerId)).toEqual([
      { kind: "balance.refill", amount: 249_000, after: 250_000 },
    ]);
    expect(notified.map((event) => event.action)).toEqual(["balance.refill", "approval.approve"]);

    const second = await pendingRequest("balance", customer, 250_000, 100);
    await expectFailedCommitLeavesNothing("approving a balance change", () =>
      approvals.approve(second.approvalId, manager),
    );
  });

  it("rejecting a request records the decision and its audit record; a failed commit leaves the request pending", async () => {
    const customer = await newCustomer({ balance: 1000 });
    const first = await pendingRequest("balance", customer, 1000, 500_000);

    const decision = await run("rejecting a request", () =>
      approvals.reject(first.approvalId, manager, "too much"),
    );
    expect(decision).toMatchObject({ kind: "rejected", approval: { state: "rejected" } });
    expect(await approvalDocument(first.approvalId)).toMatchObject({
      state: "rejected",
      rejectReason: "too much",
    });
    expect((await customerDocument(customer.customerId))?.balance).toBe(1000);
    expect(notified.map((event) => event.action)).toEqual(["approval.reject"]);

    const second = await pendingRequest("balance", customer, 1000, 600_000);
    await expectFailedCommitLeavesNothing("rejecting a request", () =>
      approvals.reject(second.approvalId, manager, "still too much"),
    );
  });
});

describe.skipIf(unavailable !== null)("credit pool", () => {
  it("setting the pool total keeps what is granted and records it; a failed commit leaves the total as it was", async () => {
    await setPool({ total: 10_000, granted: 4000 });

    const set = await run("setting the pool total", () => pool.setTotal(50_000, admin));
    expect(set.before).toBe(10_000);
    expect(await poolDocument()).toEqual({ total: 50_000, granted: 4000, left: 46_000 });
    expect(notified.map((event) => event.action)).toEqual(["pool.setTotal"]);

    await expectFailedCommitLeavesNothing("setting the pool total", () =>
      pool.setTotal(70_000, admin),
    );
  });

  it("setting the pool total while a grant commits between its read and its write counts that grant", async () => {
    await setPool({ total: 10_000, granted: 4000 });
    const updateSent = new Promise<void>((resolve) => {
      const listener = ({ commandName, command }: CommandStartedEvent) => {
        if (commandName !== "update" || command.update !== collections.platform) return;
        database.client.off("commandStarted", listener);
        resolve();
      };
      database.client.on("commandStarted", listener);
    });
    // The pool's update waits on the server, after setTotal has read the pool; the grant lands then.
    await faults.arm({ failCommands: ["update"], blockConnection: true, blockTimeMS: 300 });

    const setting = run("setting the pool total", () => pool.setTotal(50_000, admin));
    await updateSent;
    await otherInstance
      .db(database.db.databaseName)
      .collection(collections.platform)
      .updateOne({ _id: "credit_pool" as never }, { $inc: { granted: 1500, left: -1500 } });
    await setting;
    faults.fired();

    expect(await poolDocument()).toEqual({ total: 50_000, granted: 5500, left: 44_500 });
  });
});

describe.skipIf(unavailable !== null)("customers", () => {
  it("creating a customer stores it with its password hash, idempotency key and audit record; a failed commit stores none of them", async () => {
    const created = await run("creating a customer", () =>
      lifecycle.create(
        {
          account: "new.customer@example.com",
          teamName: "New",
          teamType: "individual",
          companyName: null,
          tag: null,
        },
        support,
        "create-new-customer",
      ),
    );
    if (created.kind !== "done")
      throw new Error(`expected the customer created, got ${created.kind}`);
    const stored = await customerDocument(created.value.customer.customerId);
    expect(stored).toMatchObject({ account: "new.customer@example.com", status: "on", balance: 0 });
    expect(await verifyPassword(created.value.password, String(stored?.passwordHash))).toBe(true);
    expect(
      await database.db
        .collection(collections.idempotencyKeys)
        .countDocuments({ _id: "create-new-customer" as never }),
    ).toBe(1);
    expect(notified.map((event) => event.action)).toEqual(["customer.create"]);

    await expectFailedCommitLeavesNothing("creating a customer", () =>
      lifecycle.create(
        {
          account: "another.customer@example.com",
          teamName: "Another",
          teamType: "individual",
          companyName: null,
          tag: null,
        },
        support,
        "create-another-customer",
      ),
    );
  });

  it("editing a customer answers with what changed and records it; a failed commit changes nothing", async () => {
    const customer = await newCustomer({ teamName: "Old name" });
    const input = {
      account: customer.account,
      teamName: "New name",
      teamType: customer.teamType,
      companyName: null,
    };

    const edited = await run("editing a customer", () =>
      lifecycle.edit(customer.customerId, input, customer.updatedAt, support),
    );
    expect(edited.changes).toEqual({ teamName: ["Old name", "New name"] });
    expect(edited.customer).toMatchObject({ teamName: "New name", updatedAt: at });
    expect(await customerDocument(customer.customerId)).toMatchObject({
      teamName: "New name",
      updatedAt: at,
    });
    expect(await auditActions({ "target.customerId": customer.customerId })).toEqual([
      "customer.edit",
    ]);
    expect(notified).toMatchObject([
      {
        action: "customer.edit",
        before: { teamName: "Old name" },
        after: { teamName: "New name" },
      },
    ]);

    await expectFailedCommitLeavesNothing("editing a customer", () =>
      lifecycle.edit(customer.customerId, { ...input, teamName: "Newer name" }, at, support),
    );
  });

  it("generating a password retires the customer's older one and records the offer; a failed commit keeps the older one pending and stores nothing", async () => {
    const customer = await newCustomer();
    const older = await passwordResets.offer(customer.customerId, support);

    const newer = await run("generating a password", () =>
      passwordResets.offer(customer.customerId, support),
    );
    const resets = database.db.collection(collections.passwordResets);
    expect(await resets.findOne({ _id: older.resetId as never })).toMatchObject({
      state: "replaced",
    });
    expect(await resets.findOne({ _id: newer.resetId as never })).toMatchObject({
      state: "pending",
    });
    expect(notified.map((event) => event.action)).toEqual(["customer.password.offer"]);

    await expectFailedCommitLeavesNothing("generating a password", () =>
      passwordResets.offer(customer.customerId, support),
    );
    expect(await resets.findOne({ _id: newer.resetId as never })).toMatchObject({
      state: "pending",
    });
  });

  it("confirming a generated password makes it the customer's and records it; a failed commit keeps the old password and the offer pending", async () => {
    const customer = await newCustomer();
    const offer = await passwordResets.offer(customer.customerId, support);

    const confirmed = await run("confirming a password", () =>
      passwordResets.confirm(offer.resetId, support),
    );
    expect(confirmed).toMatchObject({ customerId: customer.customerId, updatedAt: at });
    const stored = await customerDocument(customer.customerId);
    expect(await verifyPassword(offer.password, String(stored?.passwordHash))).toBe(true);
    expect(
      await database.db
        .collection(collections.passwordResets)
        .findOne({ _id: offer.resetId as never }),
    ).toMatchObject({ state: "confirmed" });
    expect(notified.map((event) => event.action)).toEqual(["customer.password.reset"]);

    const another = await passwordResets.offer(customer.customerId, support);
    await expectFailedCommitLeavesNothing("confirming a password", () =>
      passwordResets.confirm(another.resetId, support),
    );
  });
});

describe.skipIf(unavailable !== null)("invites", () => {
  it("creating an invite stores it open with its audit record; a failed commit stores neither", async () => {
    const { invite, link } = await run("creating an invite", () =>
      invites.create("ana@example.com", admin),
    );
    const token = new URL(link).searchParams.get("invite") ?? "";
    expect(
      await database.db
        .collection(collections.invites)
        .findOne({ _id: new ObjectId(invite.inviteId) }),
    ).toMatchObject({ state: "open", email: "ana@example.com", tokenHash: hashToken(token) });
    expect(notified.map((event) => event.action)).toEqual(["invite.create"]);

    await expectFailedCommitLeavesNothing("creating an invite", () => invites.create(null, admin));
  });

  it("revoking an invite closes it and records it; a failed commit leaves it open", async () => {
    const { invite } = await invites.create(null, admin);

    const revoked = await run("revoking an invite", () => invites.revoke(invite.inviteId, admin));
    expect(revoked.inviteId).toBe(invite.inviteId);
    expect(
      await database.db
        .collection(collections.invites)
        .findOne({ _id: new ObjectId(invite.inviteId) }),
    ).toMatchObject({ state: "revoked", revokedBy: admin.userId });
    expect(notified.map((event) => event.action)).toEqual(["invite.revoke"]);

    const another = await invites.create(null, admin);
    await expectFailedCommitLeavesNothing("revoking an invite", () =>
      invites.revoke(another.invite.inviteId, admin),
    );
  });
});
