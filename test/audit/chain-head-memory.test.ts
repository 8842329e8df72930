/**
 * The audit repository links a new event after the head this process last committed, without
 * reading it again. That head is only a guess once another process writes to the chain (or the
 * database is emptied): these tests move the chain behind the repository's back, as another
 * process would, and check that the chain stays one unbroken line that verifies.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandStartedEvent, Document } from "mongodb";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { AuditEvent } from "../../src/audit/audit-event.js";
import { AuditRepository } from "../../src/audit/audit-repository.js";
import { collections } from "../../src/db/collections.js";
import { inTransaction } from "../../src/db/transaction.js";
import { linkAll } from "../../src/hash-chain/chain.js";
import { verifyAuditChain } from "../../src/integrity/verify-audit.js";
import { openTestDatabase } from "../support/mongo/test-database.js";
import { runCliTool } from "../support/run-cli.js";

const database = await openTestDatabase({ monitorCommands: true });
afterAll(() => database.drop());
const { db, client } = database;
const audit = new AuditRepository(db);
const events = db.collection(collections.auditEvents);
const heads = db.collection<{ _id: string; seq: number; hash: string }>(collections.chainHeads);

const at = new Date("2026-05-04T09:30:00.000Z");
const anEvent = (detail: string): AuditEvent => ({
  at,
  actorId: "U0SUPPORT",
  actorRole: "support",
  action: "customer.tag.set",
  outcome: "done",
  detail,
});

/** What another process recording `details` does: links after the stored head and moves it. */
async function recordedElsewhere(...details: string[]): Promise<void> {
  const stored = await heads.findOne({ _id: "audit" });
  const head = stored ? { seq: stored.seq, hash: stored.hash } : null;
  const chained = linkAll(head, details.map(anEvent));
  await events.insertMany(chained.linked as Document[]);
  await heads.updateOne(
    { _id: "audit" },
    { $set: { seq: chained.head?.seq, hash: chained.head?.hash } },
    { upsert: true },
  );
}

/** The chain in seq order: each event's seq, detail and whether it names the hash before it. */
async function chain(): Promise<{ seq: number; detail: string; linked: boolean }[]> {
  const stored = await events.find({ seq: { $gt: 0 } }, { sort: { seq: 1 } }).toArray();
  return stored.map((event, i) => ({
    seq: event.seq,
    detail: event.detail,
    linked: event.prevHash === (i === 0 ? "0".repeat(64) : stored[i - 1]?.hash),
  }));
}

async function expectWholeChainOf(details: string[]): Promise<void> {
  expect(await chain()).toEqual(details.map((detail, i) => ({ seq: i + 1, detail, linked: true })));
  expect(await verifyAuditChain(audit, 10)).toEqual({
    chained: details.length,
    breaks: [],
    totalBreaks: 0,
  });
}

beforeEach(async () => {
  await events.deleteMany({});
  await heads.deleteMany({});
});

describe("the audit chain's head, as this process last committed it", () => {
  it("is not read again for the next write", async () => {
    await audit.record(anEvent("first"));
    const headReads: CommandStartedEvent[] = [];
    const onCommand = (event: CommandStartedEvent) => {
      if (event.commandName === "find" && event.command.find === collections.chainHeads)
        headReads.push(event);
    };
    client.on("commandStarted", onCommand);
    try {
      for (const detail of ["second", "third", "fourth"]) await audit.record(anEvent(detail));
    } finally {
      client.off("commandStarted", onCommand);
    }
    expect(headReads).toHaveLength(0);
    await expectWholeChainOf(["first", "second", "third", "fourth"]);
  });

  it("gives way to events another process recorded since: the next write links after them", async () => {
    await audit.record(anEvent("here 1"));
    await recordedElsewhere("there 1", "there 2");
    await audit.record(anEvent("here 2"));
    await recordedElsewhere("there 3");
    await audit.recordMany([anEvent("here 3"), anEvent("here 4")]);

    await expectWholeChainOf([
      "here 1",
      "there 1",
      "there 2",
      "here 2",
      "there 3",
      "here 3",
      "here 4",
    ]);
  });

  it("gives way without running the transaction's work again: another process's events cost no second attempt", async () => {
    await audit.record(anEvent("here 1"));
    await recordedElsewhere("there 1");
    let attempts = 0;
    await inTransaction(client, async (session) => {
      attempts += 1;
      await audit.record(anEvent("here 2"), session);
    });

    expect(attempts).toBe(1);
    await expectWholeChainOf(["here 1", "there 1", "here 2"]);
  });

  it("gives way to a chain that was emptied: the next write starts it again at seq 1", async () => {
    await audit.recordMany([anEvent("before 1"), anEvent("before 2")]);
    await events.deleteMany({});
    await heads.deleteMany({});

    await audit.record(anEvent("after"));

    await expectWholeChainOf(["after"]);
  });

  it("gives way to a chain rebuilt to the same length with other events: it links after their hash", async () => {
    await audit.recordMany([anEvent("old 1"), anEvent("old 2")]);
    await events.deleteMany({});
    await heads.deleteMany({});
    await recordedElsewhere("new 1", "new 2");

    await audit.record(anEvent("next"));

    await expectWholeChainOf(["new 1", "new 2", "next"]);
  });

  it("is not taken for the second write of a transaction: it links after the first one's events", async () => {
    await audit.record(anEvent("before"));
    await inTransaction(client, async (session) => {
      await audit.record(anEvent("one"), session);
      await audit.recordMany([anEvent("two"), anEvent("three")], session);
    });
    await recordedElsewhere("elsewhere");
    await audit.record(anEvent("after"));

    await expectWholeChainOf(["before", "one", "two", "three", "elsewhere", "after"]);
  });

  it("is not remembered from a transaction that did not commit", async () => {
    await audit.record(anEvent("kept"));
    await expect(
      inTransaction(client, async (session) => {
        await audit.record(anEvent("rolled back"), session);
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");

    await audit.record(anEvent("next"));

    await expectWholeChainOf(["kept", "next"]);
  });
});

describe("the audit chain with an import running in another process", () => {
  it("stays one unbroken line: every event of both processes chained once, and it verifies", async () => {
    const folder = await mkdtemp(join(tmpdir(), "chain-two-processes-"));
    const rows = 2_500;
    const file = join(folder, "customers.csv");
    const lines = ["account,teamName,teamType,companyName,tag"];
    for (let i = 0; i < rows; i += 1)
      lines.push(`two.processes${i}@example.com,Team ${i},default,,`);
    await writeFile(file, `${lines.join("\n")}\n`);
    try {
      const importing = runCliTool("import", [file], db.databaseName);
      let over = false;
      void importing.then(() => {
        over = true;
      });
      // This process keeps recording (each write links after the head it last committed) for as
      // long as the import's batches move the head too.
      let here = 0;
      while (!over || here < 20) {
        await audit.record(anEvent(`here ${here}`));
        here += 1;
      }
      const imported = await importing;
      expect(imported.code, imported.stderr).toBe(0);

      const chained = await chain();
      expect(chained.map((link) => link.seq)).toEqual(
        Array.from({ length: rows + here }, (_, i) => i + 1),
      );
      expect(chained.every((link) => link.linked)).toBe(true);
      expect(chained.filter((link) => link.detail?.startsWith("here ")).length).toBe(here);
      expect(await verifyAuditChain(audit, 10)).toEqual({
        chained: rows + here,
        breaks: [],
        totalBreaks: 0,
      });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }, 60_000);
});
