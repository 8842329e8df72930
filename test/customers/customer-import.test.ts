import { PassThrough } from "node:stream";
import type { Db, Document } from "mongodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AuditRepository } from "../../src/audit/audit-repository.js";
import { customerIdPattern } from "../../src/customers/customer.js";
import { exportCustomers } from "../../src/customers/customer-export.js";
import {
  type CustomerFileFormat,
  readCustomerRows,
} from "../../src/customers/customer-file-format.js";
import {
  batchesHeld,
  type ImportError,
  type ImportOptions,
  type ImportProgress,
  importCustomers,
} from "../../src/customers/customer-import.js";
import { CustomerRepository } from "../../src/customers/customer-repository.js";
import { collections } from "../../src/db/collections.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { openTestDatabase } from "../support/mongo/test-database.js";

type TestDatabase = Awaited<ReturnType<typeof openTestDatabase>>;

const now = new Date("2026-03-04T05:06:07.000Z");
const header = "account,teamName,teamType,companyName,tag";

/** Good rows, every kind of bad row, and duplicates (within the file and of a customer already stored). */
const mixedCsv = [
  header, // line 1
  "Ana.Silva@Example.com,Acme Data,enterprise,Acme,vip", // 2 good (stored lower-case)
  "ben@example.com,Ben's team,individual,,", // 3 good
  "not-an-email,Team,individual,,", // 4 bad email
  "cara@example.com,Cara Corp,enterprise,,", // 5 enterprise without company
  "dev@example.com,Dev,individual,Dev Inc,", // 6 company on an individual team
  `eli@example.com,${"T".repeat(81)},default,,`, // 7 team name too long
  "fay@example.com,Fay,default,,VIP customer", // 8 bad tag
  'gus@example.com,Team "Gus" x,default,,', // 9 broken CSV
  "ana.silva@example.com,Acme again,enterprise,Acme,", // 10 duplicate of line 2
  "old@example.com,Old,default,,", // 11 already in the database
  "hana@example.com,Hana,default,,trial", // 12 good
  "bad,,reseller,,", // 13 three problems at once
].join("\n");

let database: TestDatabase;
let db: Db;
let storedId: string;

beforeAll(async () => {
  database = await openTestDatabase();
  db = database.db;
});
afterAll(async () => {
  await database.drop();
});
beforeEach(async () => {
  await db.collection(collections.customers).deleteMany({});
  await db.collection(collections.auditEvents).deleteMany({});
  const old = aCustomer({ account: "old@example.com" });
  storedId = old.customerId;
  await insertCustomers(db, [old]);
});

/** A Db on which `document` is inserted right before the first customers insert: a concurrent creation. */
function createdRightBeforeInsert(target: Db, document: Document): Db {
  let inserted = false;
  const customers = target.collection(collections.customers);
  const racingCustomers = new Proxy(customers, {
    get(collection, property) {
      if (property !== "insertMany") {
        const value = Reflect.get(collection, property, collection);
        return typeof value === "function" ? value.bind(collection) : value;
      }
      return async (...args: Parameters<typeof customers.insertMany>) => {
        if (!inserted) {
          inserted = true;
          await collection.insertOne(document);
        }
        return collection.insertMany(...args);
      };
    },
  });
  return new Proxy(target, {
    get(db, property) {
      if (property === "collection") {
        return (name: string) =>
          name === collections.customers ? racingCustomers : db.collection(name);
      }
      const value = Reflect.get(db, property, db);
      return typeof value === "function" ? value.bind(db) : value;
    },
  });
}

/** Imports `text`; the report with the rejected rows as the import handed them out, batch by batch. */
async function importText(
  text: string,
  format: CustomerFileFormat = "csv",
  options: Partial<ImportOptions> = {},
) {
  const errors: ImportError[] = [];
  const report = await importCustomers(readCustomerRows(text, format), {
    customers: new CustomerRepository(db),
    audit: new AuditRepository(db),
    now: () => now,
    actorId: "cli:tester",
    source: `customers.${format}`,
    onRejected: (batch) => {
      errors.push(...batch);
    },
    ...options,
  });
  return { ...report, errors };
}

const customersIn = (target: Db) =>
  target
    .collection(collections.customers)
    .find({}, { projection: { _id: 0 }, sort: { account: 1 } })
    .toArray();

/** Customers whose `n`-th insert, once done, settles `inserted` (a test waits for it). */
class CustomersSignalling extends CustomerRepository {
  private inserts = 0;
  private signal: () => void = () => {};
  readonly inserted = new Promise<void>((resolve) => {
    this.signal = resolve;
  });

  constructor(
    target: Db,
    private readonly n: number,
  ) {
    super(target);
  }

  override async insertEach(customers: Parameters<CustomerRepository["insertEach"]>[0]) {
    const refusals = await super.insertEach(customers);
    this.inserts += 1;
    if (this.inserts === this.n) this.signal();
    return refusals;
  }
}

/** An audit trail whose first recording fails once `ready` settles; the later ones go through. */
class FirstRecordingFails extends AuditRepository {
  private records = 0;

  constructor(
    target: Db,
    private readonly ready: Promise<void>,
  ) {
    super(target);
  }

  override async recordMany(...args: Parameters<AuditRepository["recordMany"]>) {
    if (args[1]) return super.recordMany(...args); // (the call inside its own transaction)
    this.records += 1;
    if (this.records === 1) {
      await this.ready;
      throw new Error("audit write failed");
    }
    return super.recordMany(...args);
  }
}

describe("importing customers", () => {
  it("stores exactly the good rows and reports every other row with its line and reasons", async () => {
    const report = await importText(mixedCsv);

    expect(report).toMatchObject({ read: 12, created: 3, invalid: 7, duplicates: 2 });
    expect(report.errors).toEqual([
      {
        line: 4,
        account: "not-an-email",
        reasons: ["Account must be an email address, e.g. ana@example.com"],
      },
      {
        line: 5,
        account: "cara@example.com",
        reasons: ["Company name is required for an enterprise team"],
      },
      {
        line: 6,
        account: "dev@example.com",
        reasons: ["Only enterprise teams have a company name; leave it empty"],
      },
      {
        line: 7,
        account: "eli@example.com",
        reasons: ["Team name is 81 characters; the most is 80"],
      },
      {
        line: 8,
        account: "fay@example.com",
        reasons: [expect.stringMatching(/^Not a valid tag: /)],
      },
      {
        line: 9,
        reasons: [expect.stringMatching(/^not valid CSV: a quote inside an unquoted value/)],
      },
      { line: 10, account: "ana.silva@example.com", reasons: ["duplicate of line 2"] },
      {
        line: 11,
        account: "old@example.com",
        reasons: [`account old@example.com already exists (${storedId})`],
      },
      {
        line: 13,
        account: "bad",
        reasons: [
          "Account must be an email address, e.g. ana@example.com",
          "Team name is required",
          "Team type must be default, individual or enterprise",
        ],
      },
    ]);

    const stored = await customersIn(db);
    expect(stored.map((customer) => customer.account)).toEqual([
      "ana.silva@example.com",
      "ben@example.com",
      "hana@example.com",
      "old@example.com",
    ]);
    const ana = stored[0];
    expect(ana).toEqual({
      customerId: expect.stringMatching(customerIdPattern),
      account: "ana.silva@example.com",
      teamName: "Acme Data",
      teamType: "enterprise",
      companyName: "Acme",
      balance: 0,
      credits: 0,
      status: "on",
      tag: "vip",
      createdAt: now,
      updatedAt: now,
      // Imported customers are found by word prefix at once, without a reindex.
      searchKeys: expect.arrayContaining(["ana", "silva", "acme", "data"]),
      // …and their (empty) ledger is counted: billing details reads the totals without a recount.
      totals: { refilled: 0, deducted: 0, granted: 0, returned: 0, countedAt: now },
    });
    expect(stored[1]).toMatchObject({ teamType: "individual", companyName: null, tag: null });
    expect(stored[2]).toMatchObject({ teamName: "Hana", teamType: "default", tag: "trial" });
    expect(new Set(stored.map((customer) => customer.customerId)).size).toBe(4);
  });

  it("records one audit event per created customer, naming the file, the line and the operator", async () => {
    await importText(mixedCsv);
    const events = await db
      .collection(collections.auditEvents)
      // The audit chain's fields are checked in test/integrity.
      .find(
        {},
        { projection: { _id: 0, seq: 0, prevHash: 0, hash: 0 }, sort: { "target.account": 1 } },
      )
      .toArray();
    const ana = await db
      .collection(collections.customers)
      .findOne({ account: "ana.silva@example.com" });
    expect(events).toHaveLength(3);
    expect(events[0]).toEqual({
      at: now,
      actorId: "cli:tester",
      actorRole: null,
      action: "customer.import",
      outcome: "done",
      target: { customerId: ana?.customerId, account: "ana.silva@example.com" },
      after: {
        account: "ana.silva@example.com",
        teamName: "Acme Data",
        teamType: "enterprise",
        companyName: "Acme",
        tag: "vip",
        status: "on",
      },
      detail: "imported from customers.csv line 2",
      requestId: expect.stringMatching(/^import-[0-9a-f-]{36}$/),
    });
    // One import run: one request ID on all its events.
    expect(new Set(events.map((event) => event.requestId)).size).toBe(1);
    expect(events.map((event) => event.detail)).toEqual([
      "imported from customers.csv line 2",
      "imported from customers.csv line 3",
      "imported from customers.csv line 12",
    ]);
  });

  it("creates nothing when the same file is imported again: every good row is reported as existing", async () => {
    await importText(mixedCsv);
    const before = await customersIn(db);

    const again = await importText(mixedCsv);

    expect(again).toMatchObject({ read: 12, created: 0, invalid: 7, duplicates: 5 });
    const ana = before.find((customer) => customer.account === "ana.silva@example.com");
    expect(again.errors).toContainEqual({
      line: 2,
      account: "ana.silva@example.com",
      reasons: [`account ana.silva@example.com already exists (${ana?.customerId})`],
    });
    expect(
      again.errors
        .filter((error) => error.reasons[0]?.includes("already exists"))
        .map((e) => e.line),
    ).toEqual([2, 3, 10, 11, 12]); // line 10 repeats line 2's account, which exists before this run
    expect(await customersIn(db)).toEqual(before);
    expect(await db.collection(collections.auditEvents).countDocuments()).toBe(3);
  });

  it("imports JSON lines the same way, rejecting a line that is not JSON", async () => {
    const text = [
      '{"account":"ana@example.com","teamName":"Ana","teamType":"individual"}',
      "this is not JSON",
      '{"account":"bo@example.com","team_name":"Bo","team_type":"enterprise","company":"Bo Ltd","tag":"beta"}',
      '{"account":"ANA@example.com","teamName":"Ana 2","teamType":"individual"}',
      '{"account":"cy@example.com","teamName":"Cy","teamType":"default","companyName":"Cy Inc"}',
    ].join("\n");

    const report = await importText(text, "jsonl");

    expect(report).toMatchObject({ read: 5, created: 2, invalid: 2, duplicates: 1 });
    expect(report.errors.map((error) => [error.line, error.reasons[0]])).toEqual([
      [2, expect.stringMatching(/^not valid JSON: /)],
      [4, "duplicate of line 1"],
      [5, "Only enterprise teams have a company name; leave it empty"],
    ]);
    expect(
      await db.collection(collections.customers).findOne({ account: "bo@example.com" }),
    ).toMatchObject({
      teamType: "enterprise",
      companyName: "Bo Ltd",
      tag: "beta",
    });
  });

  it("works in batches, reporting progress after each, and still catches duplicates across batches", async () => {
    const lines = [header];
    for (let i = 1; i <= 7; i += 1) lines.push(`user${i}@example.com,Team ${i},default,,`);
    lines.push("user1@example.com,Again,default,,");
    const progress: ImportProgress[] = [];

    const report = await importText(lines.join("\n"), "csv", {
      batchSize: 3,
      onProgress: (p) => progress.push(p),
    });

    expect(report).toMatchObject({ read: 8, created: 7, invalid: 0, duplicates: 1 });
    expect(progress).toEqual([
      { read: 3, created: 3, invalid: 0, duplicates: 0 },
      { read: 6, created: 6, invalid: 0, duplicates: 0 },
      { read: 8, created: 7, invalid: 0, duplicates: 1 },
    ]);
  });

  it("hands out each batch's rejected rows as soon as that batch is written, in line order, reading a bounded number of batches ahead", async () => {
    const lines = [header];
    for (let i = 1; i <= 200; i += 1) {
      if (i % 7 === 0) lines.push(`bad-${i},Team,default,,`);
      else if (i === 145)
        lines.push("user3@example.com,Again,default,,"); // row 3 is on line 4
      else if (i === 12)
        lines.push("user11@example.com,Twice,default,,"); // the row just before
      else lines.push(`user${i}@example.com,Team ${i},default,,`);
    }
    let rowsRead = 0;
    async function* counted() {
      for await (const row of readCustomerRows(lines.join("\n"), "csv")) {
        rowsRead += 1;
        yield row;
      }
    }
    const handedOut: { rowsRead: number; errors: ImportError[] }[] = [];

    const report = await importCustomers(counted(), {
      customers: new CustomerRepository(db),
      audit: new AuditRepository(db),
      actorId: "cli:tester",
      source: "big.csv",
      batchSize: 10,
      onRejected: (errors) => {
        handedOut.push({ rowsRead, errors });
      },
    });

    expect(report).toEqual({ read: 200, created: 170, invalid: 28, duplicates: 2 });
    // Row r is on line r + 1, so batch b holds lines 10b + 2 … 10b + 11.
    const batchOf = (line: number) => Math.floor((line - 2) / 10);
    for (const { rowsRead: readThen, errors } of handedOut) {
      const batch = batchOf(errors[0]?.line ?? 0);
      expect(errors.every((error) => batchOf(error.line) === batch)).toBe(true);
      // The batches being written after this one, and the one being read.
      expect(readThen).toBeLessThanOrEqual((batch + batchesHeld + 1) * 10);
    }
    expect(handedOut[0]?.rowsRead).toBeLessThan(200);
    const all = handedOut.flatMap(({ errors }) => errors);
    const expectedLines = [13, 146];
    for (let i = 7; i <= 200; i += 7) expectedLines.push(i + 1);
    expect(all.map((error) => error.line)).toEqual(expectedLines.sort((a, b) => a - b));
    expect(all.find((error) => error.line === 13)?.reasons).toEqual(["duplicate of line 12"]);
    expect(all.find((error) => error.line === 146)?.reasons).toEqual(["duplicate of line 4"]);
    expect(
      await db.collection(collections.customers).countDocuments({ account: "user3@example.com" }),
    ).toBe(1);
  });

  it("stops at a database failure with every customer it created audited and every rejected row before it reported", async () => {
    const lines = [header];
    for (let i = 1; i <= 100; i += 1) {
      lines.push(
        i % 10 === 5 ? `bad-${i},Team,default,,` : `user${i}@example.com,Team ${i},default,,`,
      );
    }
    class FailingCustomers extends CustomerRepository {
      inserts = 0;
      override async insertEach(customers: Parameters<CustomerRepository["insertEach"]>[0]) {
        this.inserts += 1;
        if (this.inserts === 4) throw new Error("connection reset by the database");
        return super.insertEach(customers);
      }
    }
    const customers = new FailingCustomers(db);
    const rejected: ImportError[] = [];

    await expect(
      importText(lines.join("\n"), "csv", {
        customers,
        batchSize: 10,
        onRejected: (errors) => {
          rejected.push(...errors);
        },
      }),
    ).rejects.toThrow("connection reset by the database");

    // Batches 1–3 went in (9 customers each), batch 4 failed, nothing after it was inserted.
    const imported = await db
      .collection(collections.customers)
      .countDocuments({ account: { $regex: /^user/ } });
    expect(imported).toBe(27);
    expect(customers.inserts).toBe(4);
    const events = await db
      .collection(collections.auditEvents)
      .countDocuments({ action: "customer.import" });
    expect(events).toBe(27);
    expect(rejected.map((error) => error.line)).toEqual([6, 16, 26]);
  });

  it("records the events of the batches under way when an earlier batch's fail, and returns only once all are written", async () => {
    // 8 full batches and a last one of 5 rows: the failure of the first batch's events is met when
    // the last batch waits for room, with the 7 others still being written.
    const lines = [header];
    for (let i = 1; i <= 85; i += 1) lines.push(`user${i}@example.com,Team ${i},default,,`);
    const customers = new CustomersSignalling(db, batchesHeld);

    await expect(
      importText(lines.join("\n"), "csv", {
        customers,
        audit: new FirstRecordingFails(db, customers.inserted),
        batchSize: 10,
      }),
    ).rejects.toThrow("audit write failed");

    // Read at once: nothing may still be writing once the import has given its answer. The first
    // batch's 10 customers have no event (its recording failed); the 70 inserted after them do.
    const inserted = await db
      .collection(collections.customers)
      .countDocuments({ account: { $regex: /^user/ } });
    const audited = await db
      .collection(collections.auditEvents)
      .countDocuments({ action: "customer.import" });
    expect(inserted).toBe(batchesHeld * 10);
    expect(audited).toBe(inserted - 10);
  });

  it("gives a row a fresh internal ID when the one drawn is already taken", async () => {
    const ids = [storedId, "CUS-FRESH234"];
    const report = await importText(`${header}\nnew@example.com,New,default,,`, "csv", {
      newId: () => ids.shift() ?? "CUS-XXXXXXXX",
    });
    expect(report).toMatchObject({ created: 1, duplicates: 0, errors: [] });
    expect(
      await db.collection(collections.customers).findOne({ account: "new@example.com" }),
    ).toMatchObject({
      customerId: "CUS-FRESH234",
    });
  });

  it("reports an account created meanwhile by someone else as a duplicate instead of failing", async () => {
    const racer = aCustomer({ account: "race@example.com", customerId: "CUS-RACE2345" });
    const racedDb = createdRightBeforeInsert(db, { ...racer });
    const text = `${header}\nrace@example.com,Race,default,,\nok@example.com,Ok,default,,`;

    const report = await importText(text, "csv", { customers: new CustomerRepository(racedDb) });

    expect(report).toMatchObject({ read: 2, created: 1, invalid: 0, duplicates: 1 });
    expect(report.errors).toEqual([
      {
        line: 2,
        account: "race@example.com",
        reasons: ["account race@example.com already exists (CUS-RACE2345)"],
      },
    ]);
    const customers = db.collection(collections.customers);
    expect(await customers.findOne({ account: "race@example.com" })).toMatchObject({
      teamName: racer.teamName,
    });
    expect(await customers.countDocuments({ account: "ok@example.com" })).toBe(1);
  });

  it("brings back the same customers when an export is imported into an empty database", async () => {
    await importText(mixedCsv);
    await insertCustomers(db, [
      aCustomer({
        account: "zed@example.com",
        teamName: 'Zed, "the" team',
        teamType: "enterprise",
        companyName: "Zed",
        tag: "partner",
      }),
    ]);
    for (const format of ["csv", "jsonl"] as const) {
      const output = new PassThrough();
      const chunks: Buffer[] = [];
      output.on("data", (chunk: Buffer) => chunks.push(chunk));
      const exported = await exportCustomers(new CustomerRepository(db), format, output);
      expect(exported).toBe(5);

      const empty = await openTestDatabase();
      try {
        const report = await importCustomers(
          readCustomerRows(Buffer.concat(chunks).toString("utf8"), format),
          {
            customers: new CustomerRepository(empty.db),
            audit: new AuditRepository(empty.db),
            actorId: "cli:tester",
            source: `export.${format}`,
          },
        );
        expect(report).toMatchObject({ read: 5, created: 5, invalid: 0, duplicates: 0 });
        const teamData = (customers: Awaited<ReturnType<typeof customersIn>>) =>
          customers.map(({ account, teamName, teamType, companyName, tag }) => ({
            account,
            teamName,
            teamType,
            companyName,
            tag,
          }));
        expect(teamData(await customersIn(empty.db))).toEqual(teamData(await customersIn(db)));
      } finally {
        await empty.drop();
      }
    }
  });
});
