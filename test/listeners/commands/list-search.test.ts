import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../../src/db/collections.js";
import { type Harness, startHarness, users } from "../../support/app-harness.js";
import { aCustomer, insertCustomers } from "../../support/customer-fixtures.js";
import { allButtons, buttonLabelled, visibleText } from "../../support/slack-blocks.js";

let harness: Harness;

const ana = aCustomer({
  account: "ana@acme.example",
  teamName: "Rocket Science",
  teamType: "enterprise",
  companyName: "Acme Corp",
});
const corp = aCustomer({ account: "ops@initech.example", teamName: "Acme Corp Ops" });
const idOnly = aCustomer({ account: "zed@elsewhere.example", teamName: "Zed" });
const unrelated = aCustomer({ account: "max@macmeister.example", teamName: "Macmeister" });
/** Written as the console writes customers: without search keys. */
const fromConsole = aCustomer({ account: "legacy@console.example", teamName: "Legacy Acme" });
/** 1,001 customers sharing one word, inserted as small documents. */
const manyWord = "multitude";

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [ana, corp, idOnly, unrelated]);
  const customers = harness.db.collection(collections.customers);
  await customers.insertOne({ ...fromConsole });
  await customers.insertMany(
    Array.from({ length: 1001 }, (_, i) => ({
      customerId: `CUS-M${i}`,
      account: `m${i}@${manyWord}.example`,
      createdAt: new Date(Date.UTC(2025, 0, 1) + i * 1000),
      searchKeys: [manyWord],
    })),
  );
});
afterAll(() => harness.stop());

const opened = (blocks: unknown) =>
  allButtons(blocks)
    .filter((b) => b.text === "Open")
    .map((b) => b.value);

describe("/customer list TEXT: word prefixes", () => {
  it("“acme” finds the account's domain, the company and the team name's words", async () => {
    const reply = await harness.ask(users.support, "list acme");
    expect(opened(reply.body.blocks).sort()).toEqual([ana.customerId, corp.customerId].sort());
    expect(visibleText(reply.body.blocks)).toContain(
      "*2* customers — matching “acme” · page 1 of 1",
    );
  });

  it("every word must prefix a key, in any order and case", async () => {
    const reply = await harness.ask(users.support, "list CORP acme ops");
    expect(opened(reply.body.blocks)).toEqual([corp.customerId]);
  });

  it("finds the internal ID by any prefix, with or without CUS-", async () => {
    for (const text of [idOnly.customerId, idOnly.customerId.slice(4).toLowerCase()]) {
      const reply = await harness.ask(users.support, `list ${text}`);
      expect(opened(reply.body.blocks)).toEqual([idOnly.customerId]);
    }
  });

  it("no longer matches in the middle of a word", async () => {
    const reply = await harness.ask(users.support, "list cme");
    expect(opened(reply.body.blocks)).toEqual([]);
    expect(visibleText(reply.body.blocks)).toContain("No customers — matching “cme”");
  });

  it("says “1,000+” when more than 1,000 match, and pages on without a page count", async () => {
    const reply = await harness.ask(users.support, `list ${manyWord}`);
    const text = visibleText(reply.body.blocks);
    expect(text).toContain(`*1,000+* customers — matching “${manyWord}” · page 1`);
    expect(text).not.toContain("page 1 of");
    expect(opened(reply.body.blocks)).toEqual([
      "CUS-M1000",
      ...Array.from({ length: 9 }, (_, i) => `CUS-M${999 - i}`),
    ]);
    const next = await harness.clickAndWait(
      users.support,
      buttonLabelled(reply.body.blocks, "Next"),
    );
    expect(visibleText(next.body.blocks)).toContain("page 2");
    expect(opened(next.body.blocks)[0]).toBe("CUS-M990");
  });

  it("shows the whole collection's count for an unfiltered list", async () => {
    const reply = await harness.ask(users.support, "list");
    expect(visibleText(reply.body.blocks)).toContain(
      "*1,006* customers — all customers · page 1 of 101",
    );
  });
});

describe("/customer show REF: exact, then a unique word prefix, then a pick list", () => {
  it("a unique word prefix opens the card", async () => {
    const reply = await harness.ask(users.support, "show rocket sci");
    expect(reply.body.text).toContain(ana.customerId);
  });

  it("several matches give the pick list", async () => {
    const reply = await harness.ask(users.support, "show acme corp");
    expect(visibleText(reply.body.blocks)).toContain("*2* customers match “acme corp”. Pick one:");
  });

  it("more than 1,000 matches are counted as “1,000+” in the pick list", async () => {
    const reply = await harness.ask(users.support, `show ${manyWord}`);
    expect(visibleText(reply.body.blocks)).toContain(
      `*1,000+* customers match “${manyWord}”; here are the newest 8`,
    );
  });

  it("a customer the console wrote without search keys is found by its exact account or ID only", async () => {
    const byAccount = await harness.ask(users.support, `show ${fromConsole.account}`);
    expect(byAccount.body.text).toContain(fromConsole.customerId);
    const byId = await harness.ask(users.support, fromConsole.customerId);
    expect(byId.body.text).toContain(fromConsole.account);
    const byWord = await harness.ask(users.support, "show legacy");
    expect(byWord.body.text).toContain("No customer matches “legacy”");
  });
});
