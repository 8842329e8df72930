import type { ClientSession } from "mongodb";
import { describe, expect, it } from "vitest";
import type { Customer } from "../../src/customers/customer.js";
import type { LedgerHeadMove } from "../../src/customers/customer-repository.js";
import { collections } from "../../src/db/collections.js";
import { aCustomer } from "../support/customer-fixtures.js";
import { repositoriesForThisFile, storedCustomer } from "../support/repositories.js";

const at = new Date("2026-05-04T09:30:00.000Z");
const repositories = await repositoriesForThisFile();
const stored = (overrides: Partial<Customer> = {}) => storedCustomer(repositories, overrides);

const documentOf = (customerId: string) =>
  repositories.db.collection(collections.customers).findOne({ customerId });

describe("CustomerRepository: the password hash", () => {
  it("no read returns it, though the database keeps it", async () => {
    const customer = await stored({ teamName: "Hashed team" });
    await repositories.db
      .collection(collections.customers)
      .updateOne({ customerId: customer.customerId }, { $set: { passwordHash: "scrypt$secret" } });
    const { customers } = repositories;

    const reads = [
      await customers.findExact(customer.account),
      await customers.findByCustomerId(customer.customerId),
      ...(await customers.listPage({ text: "Hashed team" }, "newest", 5)).map(
        (row) => row.customer,
      ),
    ];
    for await (const each of customers.all())
      if (each.customerId === customer.customerId) reads.push(each);

    expect(reads).toHaveLength(4);
    for (const read of reads) expect(read).toEqual(customer);
    expect((await documentOf(customer.customerId))?.passwordHash).toBe("scrypt$secret");
  });

  it("setPasswordHash stores a new hash and when it changed, and answers without it", async () => {
    const customer = await stored();

    const change = await repositories.transaction((session) =>
      repositories.customers.setPasswordHash(customer.customerId, "scrypt$new", at, session),
    );

    expect(change?.after).toEqual({ ...customer, updatedAt: at });
    expect(await documentOf(customer.customerId)).toMatchObject({
      passwordHash: "scrypt$new",
      passwordChangedAt: at,
      updatedAt: at,
    });
  });
});

/** The head move a money write makes from wherever the customer's ledger head is now. */
async function headMove(customerId: string, session: ClientSession): Promise<LedgerHeadMove> {
  const expected = (await repositories.customers.ledgerStateOf(customerId, session))?.ledgerHead;
  const seq = (expected?.seq ?? 0) + 1;
  return { expected: expected ?? null, next: { seq, hash: `hash of ${seq}` } };
}

describe("CustomerRepository: money guards", () => {
  it("refill adds to the balance and answers the account and the new balance", async () => {
    const customer = await stored({ balance: 1000 });

    const after = await repositories.transaction((session) =>
      headMove(customer.customerId, session).then((head) =>
        repositories.customers.refill(customer.customerId, 250, at, head, session),
      ),
    );

    expect(after).toEqual({ account: customer.account, balance: 1250 });
    expect(await documentOf(customer.customerId)).toMatchObject({ balance: 1250, updatedAt: at });
  });

  it("deductIfAtLeast takes the amount only while the balance covers it", async () => {
    const customer = await stored({ balance: 500 });
    const deduct = (amount: number) =>
      repositories.transaction(async (session) =>
        repositories.customers.deductIfAtLeast(
          customer.customerId,
          amount,
          at,
          await headMove(customer.customerId, session),
          session,
        ),
      );

    expect(await deduct(500)).toEqual({ account: customer.account, balance: 0 });
    expect(await deduct(1)).toBeNull();
    expect((await documentOf(customer.customerId))?.balance).toBe(0);
  });

  it("setIfStill sets the balance or the credits only while they are what the caller saw", async () => {
    const customer = await stored({ balance: 100, credits: 40 });
    const set = (field: "balance" | "credits", expected: number, target: number) =>
      repositories.transaction(async (session) =>
        repositories.customers.setIfStill(
          customer.customerId,
          field,
          expected,
          target,
          at,
          await headMove(customer.customerId, session),
          session,
        ),
      );

    expect(await set("balance", 100, 900)).toEqual({ account: customer.account });
    expect(await set("balance", 100, 5)).toBeNull();
    expect(await set("credits", 40, 0)).toEqual({ account: customer.account });
    expect(await set("credits", 40, 70)).toBeNull();
    expect(await documentOf(customer.customerId)).toMatchObject({ balance: 900, credits: 0 });
  });

  it("no customer: every money write answers null", async () => {
    const missing = aCustomer().customerId;
    const answers = await repositories.transaction(async (session) => [
      await repositories.customers.refill(
        missing,
        1,
        at,
        await headMove(missing, session),
        session,
      ),
      await repositories.customers.deductIfAtLeast(
        missing,
        1,
        at,
        await headMove(missing, session),
        session,
      ),
      await repositories.customers.setIfStill(
        missing,
        "credits",
        0,
        1,
        at,
        await headMove(missing, session),
        session,
      ),
    ]);
    expect(answers).toEqual([null, null, null]);
  });

  it("a money write whose ledger head moved since it was read changes nothing (the chain cannot fork)", async () => {
    const customer = await stored({ balance: 100 });
    const stale = await repositories.transaction((session) =>
      headMove(customer.customerId, session),
    );
    await repositories.transaction(async (session) =>
      repositories.customers.refill(customer.customerId, 5, at, stale, session),
    );

    const answers = await repositories.transaction(async (session) => [
      await repositories.customers.refill(customer.customerId, 1, at, stale, session),
      await repositories.customers.deductIfAtLeast(customer.customerId, 1, at, stale, session),
      await repositories.customers.setIfStill(
        customer.customerId,
        "balance",
        105,
        0,
        at,
        stale,
        session,
      ),
    ]);

    expect(answers).toEqual([null, null, null]);
    expect(await documentOf(customer.customerId)).toMatchObject({
      balance: 105,
      ledgerHead: { seq: 1, hash: "hash of 1" },
    });
  });
});

describe("CustomerRepository: guarded edits", () => {
  it("editIfUnchangedSince applies only while nobody changed the customer since the form showed it", async () => {
    const customer = await stored({ teamName: "Old" });
    const edit = (teamName: string) =>
      repositories.transaction((session) =>
        repositories.customers.editIfUnchangedSince(
          customer.customerId,
          customer.updatedAt,
          { account: customer.account, teamName, teamType: customer.teamType, companyName: null },
          at,
          session,
        ),
      );

    const first = await edit("New");
    expect(first?.before.teamName).toBe("Old");
    expect(first?.after).toMatchObject({ teamName: "New", updatedAt: at });
    expect(await edit("Newer")).toBeNull();
    expect((await documentOf(customer.customerId))?.teamName).toBe("New");
  });

  it("setTagUnlessAlready and setStatusUnlessAlready answer null when the value already is so", async () => {
    const customer = await stored({ tag: "vip", status: "on" });
    const { customers, transaction } = repositories;

    expect(
      await transaction((session) =>
        customers.setTagUnlessAlready(customer.customerId, "vip", at, session),
      ),
    ).toBeNull();
    expect(
      await transaction((session) =>
        customers.setStatusUnlessAlready(customer.customerId, "on", at, session),
      ),
    ).toBeNull();
    const tagged = await transaction((session) =>
      customers.setTagUnlessAlready(customer.customerId, null, at, session),
    );
    const switched = await transaction((session) =>
      customers.setStatusUnlessAlready(customer.customerId, "off", at, session),
    );

    expect(tagged?.after.tag).toBeNull();
    expect(switched).toMatchObject({
      before: { status: "on" },
      after: { status: "off", tag: null },
    });
  });
});

describe("CustomerRepository: imports", () => {
  it("ownersOf names the internal IDs of the accounts that exist, and when they were created", async () => {
    const customer = await stored();

    const owners = await repositories.customers.ownersOf([customer.account, "nobody@example.com"]);

    expect([...owners]).toEqual([
      [customer.account, { customerId: customer.customerId, createdAt: customer.createdAt }],
    ]);
  });

  it("insertEach inserts what it can and says for each of the others whether the account or the ID was taken", async () => {
    const existing = await stored();
    const fresh = aCustomer();

    const refusals = await repositories.customers.insertEach([
      aCustomer({ account: existing.account }),
      { ...fresh },
      aCustomer({ customerId: existing.customerId }),
    ]);

    expect(refusals).toEqual([
      { index: 0, kind: "account-taken" },
      { index: 2, kind: "customerId-taken" },
    ]);
    expect(await repositories.customers.findByCustomerId(fresh.customerId)).toEqual(fresh);
  });
});
