import type { Document } from "mongodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { Customer } from "../../src/customers/customer.js";
import { collections } from "../../src/db/collections.js";
import type { ChainBreak } from "../../src/integrity/chain-walk.js";
import { verifyAuditChain } from "../../src/integrity/verify-audit.js";
import { LedgerVerifier } from "../../src/integrity/verify-ledger.js";
import { changeContext } from "../ledger/change-context.js";
import {
  manager,
  moneyServices,
  repositoriesForThisFile,
  setPool,
  storedCustomer,
  support,
  usd,
} from "../support/repositories.js";

const at = new Date("2026-05-04T09:30:00.000Z");
const repositories = await repositoriesForThisFile();
const { db } = repositories;
const { writer } = moneyServices(repositories, () => at);
const verifier = new LedgerVerifier(db, usd);
const entries = db.collection(collections.ledgerEntries);
const auditEvents = db.collection(collections.auditEvents);

beforeAll(() => setPool(repositories, { total: 1_000_000, granted: 0 }));

/** A customer with a history: refills, a deduction, credits granted and taken back by approval. */
async function customerWithHistory(): Promise<Customer> {
  const customer = await storedCustomer(repositories);
  const { customerId } = customer;
  const approved = { approver: manager, approvalId: "approval-1" };
  for (const [kind, amount] of [
    ["balance", 10_000],
    ["balance", -2_500],
    ["credits", 4_000],
    ["balance", 1_200],
    ["credits", -1_500],
  ] as const) {
    await repositories.transaction(async (session) => {
      if (kind === "balance")
        return writer.addToBalance(session, customerId, amount, changeContext(at));
      const current = (await repositories.customers.ledgerStateOf(customerId, session))?.credits;
      return writer.setIfStill(
        session,
        "credits",
        customerId,
        current ?? 0,
        (current ?? 0) + amount,
        changeContext(at, { ...approved, requester: support }),
      );
    });
  }
  return customer;
}

/** The customer's chained entries in seq order, as stored. */
function chainOf(customerId: string): Promise<Document[]> {
  return entries.find({ customerId, seq: { $gt: 0 } }, { sort: { seq: 1 } }).toArray();
}

const breakAt = (entry: Document, what: string): ChainBreak => ({
  seq: entry.seq,
  id: entry._id.toHexString(),
  at: entry.at,
  what,
});
const sumsBreak = (what: string): ChainBreak => ({ seq: null, id: null, at: null, what });

async function breaksOf(customerId: string): Promise<ChainBreak[]> {
  return (await verifier.verify(customerId, 100))?.breaks ?? [];
}

describe("the ledger's hash chain, per customer", () => {
  it("a busy history verifies: every entry chained 1..N, the head on the customer, sums match", async () => {
    const customer = await customerWithHistory();
    const chain = await chainOf(customer.customerId);

    expect(chain.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(chain[0]?.prevHash).toBe("0".repeat(64));
    for (let i = 1; i < chain.length; i += 1) expect(chain[i]?.prevHash).toBe(chain[i - 1]?.hash);
    const stored = await db.collection(collections.customers).findOne({
      customerId: customer.customerId,
    });
    expect(stored?.ledgerHead).toEqual({ seq: 5, hash: chain[4]?.hash });
    expect(await verifier.verify(customer.customerId, 100)).toEqual({
      customerId: customer.customerId,
      chained: 5,
      unchained: 0,
      balance: 8_700,
      credits: 2_500,
      totalsCounted: false,
      breaks: [],
      totalBreaks: 0,
    });
  });

  it("an amount changed in MongoDB: that entry's hash mismatches, and the balance no longer matches its sum", async () => {
    const customer = await customerWithHistory();
    const [, second] = await chainOf(customer.customerId);
    await entries.updateOne({ _id: second?._id }, { $set: { amount: -2_000 } });

    expect(await breaksOf(customer.customerId)).toEqual([
      breakAt(second as Document, "hash mismatch — the stored entry was changed"),
      sumsBreak("balance $87.00 but the ledger sums to $92.00"),
      sumsBreak("ledger_days 2026-05-04 deducted $25.00 but the ledger sums to $20.00"),
    ]);
  });

  it("an `after` changed in MongoDB is found, though the sums still match", async () => {
    const customer = await customerWithHistory();
    const [, , third] = await chainOf(customer.customerId);
    await entries.updateOne({ _id: third?._id }, { $set: { after: 999_999 } });

    expect(await breaksOf(customer.customerId)).toEqual([
      breakAt(third as Document, "hash mismatch — the stored entry was changed"),
    ]);
  });

  it("an entry deleted in the middle, or the last one, is named by the seqs around it", async () => {
    const customer = await customerWithHistory();
    const chain = await chainOf(customer.customerId);
    await entries.deleteOne({ _id: chain[2]?._id });

    expect(await breaksOf(customer.customerId)).toEqual([
      breakAt(chain[3] as Document, "missing entry between seq 2 and 4"),
      sumsBreak("credits $25.00 but the ledger sums to -$15.00"),
      sumsBreak("ledger_days 2026-05-04 granted $40.00 but the ledger sums to $0.00"),
    ]);

    const other = await customerWithHistory();
    const otherChain = await chainOf(other.customerId);
    await entries.deleteOne({ _id: otherChain[4]?._id });
    expect((await breaksOf(other.customerId))[0]).toEqual({
      seq: 5,
      id: null,
      at: null,
      what: "missing entry after seq 4 (the chain's head says seq 5)",
    });
  });

  it("two entries whose seqs were swapped are named as swapped, and nothing else", async () => {
    const customer = await customerWithHistory();
    const [, second, third] = await chainOf(customer.customerId);
    await entries.updateOne({ _id: second?._id }, { $set: { seq: -1 } });
    await entries.updateOne({ _id: third?._id }, { $set: { seq: 2 } });
    await entries.updateOne({ _id: second?._id }, { $set: { seq: 3 } });

    expect(await breaksOf(customer.customerId)).toEqual([
      {
        ...breakAt(third as Document, ""),
        seq: 2,
        what: "order: seq 2 and seq 3 are swapped (each holds the other's entry)",
      },
    ]);
  });

  it("an entry rewritten with its hash recomputed breaks the next link; the last one, the head", async () => {
    const customer = await customerWithHistory();
    const chain = await chainOf(customer.customerId);
    const { chainHash } = await import("../../src/hash-chain/chain.js");
    const rewrite = async (entry: Document) => {
      const changed = { ...entry, reason: "rewritten" };
      await entries.updateOne(
        { _id: entry._id },
        { $set: { reason: "rewritten", hash: chainHash(changed) } },
      );
    };
    await rewrite(chain[1] as Document);
    await rewrite(chain[4] as Document);

    expect(await breaksOf(customer.customerId)).toEqual([
      breakAt(
        chain[2] as Document,
        "link broken: prevHash is not the hash of seq 2 — seq 2 was rewritten (its hash recomputed) or replaced",
      ),
      {
        seq: 5,
        id: null,
        at: null,
        what: "the chain's head hash is not seq 5's hash — the last entry was rewritten (its hash recomputed)",
      },
    ]);
  });

  it("a duplicated entry is named as a repeated seq", async () => {
    const customer = await customerWithHistory();
    const chain = await chainOf(customer.customerId);
    await db.collection(collections.ledgerEntries).dropIndex("chain_per_customer");
    try {
      const { _id, ...copy } = chain[0] as Document;
      await entries.insertOne({ ...copy, idempotencyKey: "copied" });
      const breaks = await breaksOf(customer.customerId);
      // Which of the two comes first is the index's tie order: whichever is read second is named.
      const atSeqOne = breaks.filter((found) => found.seq === 1).map((found) => found.what);
      expect(atSeqOne).toContain("seq 1 appears twice");
      expect(breaks.find((found) => found.seq === null)?.what).toBe(
        "balance $87.00 but the ledger sums to $187.00",
      );
    } finally {
      await entries.deleteOne({ idempotencyKey: "copied" });
      await entries.createIndex(
        { customerId: 1, seq: 1 },
        { name: "chain_per_customer", unique: true, partialFilterExpression: { seq: { $gt: 0 } } },
      );
    }
  });

  it("entries written before chaining are counted apart and only summed", async () => {
    const customer = await storedCustomer(repositories, { balance: 300 });
    await entries.insertOne({
      customerId: customer.customerId,
      kind: "balance.refill",
      amount: 300,
      after: 300,
      currency: "USD",
      actorId: "console",
      approvedBy: null,
      approvalId: null,
      reason: "opening balance",
      idempotencyKey: `legacy-${customer.customerId}`,
      at,
    });
    await repositories.transaction((session) =>
      repositories.ledgerDays.add(
        customer.customerId,
        new Date("2026-05-04"),
        "refilled",
        300,
        session,
      ),
    );
    await repositories.transaction((session) =>
      writer.addToBalance(session, customer.customerId, 50, changeContext(at)),
    );

    expect(await verifier.verify(customer.customerId, 100)).toMatchObject({
      chained: 1,
      unchained: 1,
      balance: 350,
      breaks: [],
    });
  });

  it("50 concurrent writers to one customer never fork its chain: seqs 1..50, and it verifies", async () => {
    const customer = await storedCustomer(repositories);
    await Promise.all(
      Array.from({ length: 50 }, () =>
        repositories.transaction((session) =>
          writer.addToBalance(session, customer.customerId, 100, changeContext(at)),
        ),
      ),
    );

    const chain = await chainOf(customer.customerId);
    expect(chain.map((entry) => entry.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(chain.map((entry) => entry.after)).toEqual(
      Array.from({ length: 50 }, (_, i) => (i + 1) * 100),
    );
    expect(await verifier.verify(customer.customerId, 100)).toMatchObject({
      chained: 50,
      balance: 5_000,
      breaks: [],
    });
  }, 120_000);
});

describe("the audit trail's hash chain", () => {
  it("50 concurrent writers never fork it: one unbroken run of seqs, and it verifies to its head", async () => {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        repositories.audit.record({
          at,
          actorId: "U0SUPPORT",
          actorRole: "support",
          action: "customer.tag.set",
          outcome: "done",
          detail: `concurrent ${i}`,
        }),
      ),
    );

    const seqs = (
      await auditEvents
        .find({ seq: { $gt: 0 } }, { sort: { seq: 1 }, projection: { seq: 1 } })
        .toArray()
    ).map((event) => event.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(await repositories.audit.chainHead()).toMatchObject({ seq: seqs.length });
    expect(await verifyAuditChain(repositories.audit, 100)).toEqual({
      chained: seqs.length,
      breaks: [],
      totalBreaks: 0,
    });
  }, 120_000);

  it("an audit detail changed in MongoDB is found and named", async () => {
    await repositories.audit.record({
      at,
      actorId: "U0SUPPORT",
      actorRole: "support",
      action: "customer.tag.set",
      outcome: "done",
      detail: "the original reason",
    });
    const event = await auditEvents.findOne({ detail: "the original reason" });
    await auditEvents.updateOne({ _id: event?._id }, { $set: { detail: "a quieter reason" } });
    try {
      expect((await verifyAuditChain(repositories.audit, 100)).breaks).toEqual([
        breakAt(event as Document, "hash mismatch — the stored event was changed"),
      ]);
    } finally {
      await auditEvents.updateOne({ _id: event?._id }, { $set: { detail: "the original reason" } });
    }
    expect((await verifyAuditChain(repositories.audit, 100)).totalBreaks).toBe(0);
  });
});
