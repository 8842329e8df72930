import { describe, expect, it } from "vitest";
import type { Customer } from "../../src/customers/customer.js";
import type { CustomerQuery } from "../../src/customers/customer-query.js";
import { collections } from "../../src/db/collections.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { repositoriesForThisFile } from "../support/repositories.js";

const repositories = await repositoriesForThisFile();
const { customers } = repositories;
const customersCollection = repositories.db.collection(collections.customers);
const at = new Date("2026-05-04T09:30:00.000Z");

const found = async (query: CustomerQuery, limit = 50) =>
  (await customers.listPage(query, "newest", limit)).map((row) => row.customer.account);
const keysOf = async (customerId: string) =>
  (await customersCollection.findOne({ customerId }))?.searchKeys;

describe("CustomerRepository: search by word prefix", () => {
  const ana = aCustomer({
    account: "ana.silva@zenith.example",
    teamName: "Zenith Platform",
    teamType: "enterprise",
    companyName: "Zénith Robotics",
  });
  const bo = aCustomer({ account: "bo@zenithal.example", teamName: "Bo's team" });
  const cy = aCustomer({ account: "cy@elsewhere.example", teamName: "Azenith" });

  it("finds every customer with a key starting with each word, newest first, once each", async () => {
    await insertCustomers(repositories.db, [ana, bo, cy]);
    expect(await found({ text: "zenith" })).toEqual([bo.account, ana.account]);
    expect(await found({ text: "ZÉNITH rob" })).toEqual([ana.account]);
    expect(await found({ text: ana.customerId.slice(4).toLowerCase() })).toEqual([ana.account]);
    expect(await found({ text: "cus-" }, 1000)).toContain(cy.account);
    expect(await found({ text: "ana.silva@zen" })).toEqual([ana.account]);
  });

  it("no longer matches inside a word, and matches regex metacharacters literally", async () => {
    expect(await found({ text: "enith" })).toEqual([]);
    expect(await found({ text: "zen.th" })).toEqual([]);
    expect(await found({ text: "^zenith" })).toEqual([]);
  });

  it("applies the exact filters to the same search", async () => {
    expect(await found({ text: "zenith", teamType: "enterprise" })).toEqual([ana.account]);
    expect(await customers.count({ text: "zenith", teamType: "enterprise" })).toEqual({
      count: 1,
      atLeast: false,
    });
  });

  it("stores keys on every insert and refreshes them on edit, never reading them back", async () => {
    const created = aCustomer({ account: "dee@quasar.example", teamName: "Quasar" });
    await repositories.transaction((session) =>
      customers.insertOne({ ...created, passwordHash: "x" }, session),
    );
    const [imported] = [aCustomer({ account: "eve@pulsar.example", teamName: "Pulsar" })];
    if (!imported) throw new Error("no customer");
    expect(await customers.insertEach([imported])).toEqual([]);
    expect(await keysOf(created.customerId)).toContain("quasar");
    expect(await keysOf(imported.customerId)).toContain("pulsar");

    const change = await repositories.transaction((session) =>
      customers.editIfUnchangedSince(
        created.customerId,
        created.updatedAt,
        {
          account: "dee@nebula.example",
          teamName: "Nebula",
          teamType: "default",
          companyName: null,
        },
        at,
        session,
      ),
    );
    expect(change?.after).not.toHaveProperty("searchKeys");
    expect(await keysOf(created.customerId)).toContain("nebula");
    expect(await found({ text: "quasar" })).toEqual([]);
    expect(await found({ text: "nebula" })).toEqual(["dee@nebula.example"]);
  });

  it("finds customers without search keys (written by the console) by exact account or ID only", async () => {
    const raw: Customer = aCustomer({ account: "raw@console.example", teamName: "Console" });
    await customersCollection.insertOne({ ...raw });
    expect(await found({ text: "console" })).toEqual([]);
    expect((await customers.findExact("RAW@console.example"))?.customerId).toBe(raw.customerId);
    expect((await customers.findExact(raw.customerId))?.account).toBe(raw.account);
  });
});

describe("CustomerRepository: pages and counts", () => {
  const crowd = Array.from({ length: 25 }, (_, i) =>
    aCustomer({ account: `member${i}@crowd.example`, teamName: "Crowd", tag: "crowd" }),
  );

  it("pages by position both ways, in the index's order, with no overlap", async () => {
    await insertCustomers(repositories.db, crowd);
    const newestFirst = [...crowd].reverse().map((c) => c.account);
    for (const query of [{ tag: "crowd" }, { text: "crowd" }] as CustomerQuery[]) {
      const first = await customers.listPage(query, "newest", 10);
      const last = first.at(-1);
      if (!last) throw new Error("empty page");
      const second = await customers.listPage(
        query,
        { direction: "after", position: last.position },
        10,
      );
      expect([...first, ...second].map((r) => r.customer.account)).toEqual(
        newestFirst.slice(0, 20),
      );
      const back = await customers.listPage(
        query,
        { direction: "before", position: second[0]?.position ?? last.position },
        10,
      );
      expect(back.map((r) => r.customer.account).reverse()).toEqual(newestFirst.slice(0, 10));
      const oldest = await customers.listPage(query, "oldest", 5);
      expect(oldest.map((r) => r.customer.account)).toEqual(newestFirst.slice(20).reverse());
    }
  });

  it("counts exactly up to 1,000 and says “at least 1,000” beyond; everyone from the collection's count", async () => {
    await customersCollection.insertMany(
      Array.from({ length: 1001 }, (_, i) => ({
        customerId: `CUS-M${i}`,
        account: `many${i}@many.example`,
        teamName: "Many",
        tag: "many",
        searchKeys: ["many"],
        createdAt: at,
      })),
    );
    expect(await customers.count({ tag: "many" })).toEqual({ count: 1000, atLeast: true });
    expect(await customers.count({ text: "many" })).toEqual({ count: 1000, atLeast: true });
    expect(await customers.count({ text: "member1" })).toEqual({ count: 11, atLeast: false });
    const everyone = await customersCollection.countDocuments({});
    expect(await customers.count({})).toEqual({ count: everyone, atLeast: false });
  });

  it("a text search whose longest word spans more than 2,000 customers counts “at least” what its candidates hold", async () => {
    await customersCollection.insertMany(
      Array.from({ length: 2001 }, (_, i) => ({
        customerId: `CUS-W${i}`,
        account: `w${i}@wide.example`,
        searchKeys: i % 1000 === 0 ? ["widest", "xy"] : ["widest"],
        createdAt: at,
      })),
    );
    expect(await customers.count({ text: "widest" })).toEqual({ count: 1000, atLeast: true });
    expect(await customers.count({ text: "widest xy" })).toEqual({ count: 2, atLeast: true });
    expect(await customers.count({ text: "xy" })).toEqual({ count: 3, atLeast: false });
  });
});
