/**
 * The import against a MongoDB that misbehaves (`failCommand` fail points on a server of this
 * file's own): while later batches' customers are being inserted, the audit transaction of an
 * earlier batch meets a transient write conflict (retried) or a failure it cannot get past (the
 * import stops). After either, the audit chain is whole and nothing is written once the import has
 * answered.
 */
import { type Db, MongoClient } from "mongodb";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AuditRepository } from "../../src/audit/audit-repository.js";
import { readCustomerRows } from "../../src/customers/customer-file-format.js";
import { batchesHeld, importCustomers } from "../../src/customers/customer-import.js";
import { CustomerRepository } from "../../src/customers/customer-repository.js";
import { collections } from "../../src/db/collections.js";
import {
  type FailPoints,
  failPointsFor,
  faultMongoUnavailableReason,
  startFaultMongo,
  uniqueAppName,
} from "../support/mongo/fail-points.js";
import { openTestDatabase } from "../support/mongo/test-database.js";

const unavailable = await faultMongoUnavailableReason();
if (unavailable) console.log(`import fault tests skipped: ${unavailable}`);

const appName = uniqueAppName();
let mongo: Awaited<ReturnType<typeof startFaultMongo>> | undefined;
let database: Awaited<ReturnType<typeof openTestDatabase>>;
/** The test's own reads and fail points: another client (another appName), which no fault meets. */
let control: MongoClient;
let observed: Db;
let faults: FailPoints;

const header = "account,teamName,teamType,companyName,tag";
const batchSize = 10;

/** `rows` good rows of accounts `label1@…` … */
function file(label: string, rows: number): string {
  const lines = [header];
  for (let i = 1; i <= rows; i += 1) lines.push(`${label}${i}@example.com,Team ${i},default,,`);
  return lines.join("\n");
}

function importFile(text: string) {
  return importCustomers(readCustomerRows(text, "csv"), {
    customers: new CustomerRepository(database.db),
    audit: new AuditRepository(database.db),
    actorId: "cli:tester",
    source: "faults.csv",
    batchSize,
  });
}

/** Customers of `label`, and the import events naming them, as stored. */
async function stored(label: string) {
  const account = { $regex: new RegExp(`^${label}\\d+@`) };
  const customers = await observed
    .collection(collections.customers)
    .find({ account }, { projection: { _id: 0, customerId: 1 } })
    .toArray();
  const events = await observed
    .collection(collections.auditEvents)
    .find(
      { action: "customer.import", "target.account": account },
      { projection: { _id: 0, "target.customerId": 1 } },
    )
    .toArray();
  return {
    customerIds: customers.map((customer) => customer.customerId as string),
    eventCustomerIds: events.map((event) => event.target.customerId as string),
  };
}

/** The audit chain's links in order: seq 1, 2, 3 … each naming the hash of the one before. */
async function chainIsWhole(): Promise<boolean> {
  const links = await observed
    .collection(collections.auditEvents)
    .find({ seq: { $gt: 0 } }, { projection: { _id: 0, seq: 1, prevHash: 1, hash: 1 } })
    .sort({ seq: 1 })
    .toArray();
  return links.every(
    (link, i) => link.seq === i + 1 && (i === 0 || link.prevHash === links[i - 1]?.hash),
  );
}

describe.skipIf(unavailable !== null)("importing customers while MongoDB misbehaves", () => {
  beforeAll(async () => {
    mongo = await startFaultMongo();
    database = await openTestDatabase({ appName }, mongo.uri);
    control = await new MongoClient(mongo.uri, { appName: `${appName}-test` }).connect();
    observed = control.db(database.db.databaseName);
    faults = failPointsFor(control, appName);
  });
  afterEach(async () => {
    await faults.off();
  });
  afterAll(async () => {
    await faults?.off();
    // The app's client first: closing it ends its sessions, and with them the transaction whose
    // commit the fail point refused (a database drop would wait for it).
    await database?.close();
    await observed?.dropDatabase();
    await control?.close();
    await mongo?.stop();
  });

  it("retries an audit transaction that meets a transient write conflict: every customer audited exactly once", async () => {
    await faults.set(
      { times: 3 },
      {
        failCommands: ["commitTransaction"],
        errorCode: 112,
        errorLabels: ["TransientTransactionError"],
      },
    );

    const report = await importFile(file("retry", 120));

    expect(report).toEqual({ read: 120, created: 120, invalid: 0, duplicates: 0 });
    expect(await faults.off()).toBe(3);
    const { customerIds, eventCustomerIds } = await stored("retry");
    expect(customerIds).toHaveLength(120);
    expect(eventCustomerIds.sort()).toEqual(customerIds.sort());
    expect(await chainIsWhole()).toBe(true);
  });

  it("stops when the audit transaction keeps failing, and writes nothing once it has answered", async () => {
    // The first two batches' events go in; every audit commit after that fails.
    await faults.set({ skip: 2 }, { failCommands: ["commitTransaction"], errorCode: 2 });

    await expect(importFile(file("stop", 200))).rejects.toThrow();

    const first = await stored("stop");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const later = await stored("stop");
    // Nothing was still being written when the import answered.
    expect(later.customerIds.length).toBe(first.customerIds.length);
    expect(later.eventCustomerIds.length).toBe(first.eventCustomerIds.length);
    // The two recorded batches, whole; customers inserted meanwhile are bounded by the batches held.
    expect(first.eventCustomerIds).toHaveLength(2 * batchSize);
    expect(first.eventCustomerIds.every((id) => first.customerIds.includes(id))).toBe(true);
    expect(first.customerIds.length).toBeLessThanOrEqual((3 + batchesHeld) * batchSize);
    expect(await chainIsWhole()).toBe(true);
  });
});
