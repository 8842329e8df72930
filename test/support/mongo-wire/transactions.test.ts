import type { Timestamp } from "bson";
import { type ClientSession, MongoServerError } from "mongodb";
import { describe, expect, it } from "vitest";
import { LogicalClock } from "./clock.js";
import { useWireServer } from "./harness.js";
import { Store } from "./store.js";
import { TransactionManager } from "./transactions.js";

const t = useWireServer();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withSessions(count: number, work: (...sessions: ClientSession[]) => Promise<void>) {
  const sessions = Array.from({ length: count }, () => t.client.startSession());
  try {
    await work(...sessions);
  } finally {
    for (const session of sessions) await session.endSession();
  }
}

/** Ends, on the driver's side, a transaction the server already aborted. */
const abortQuietly = (session: ClientSession) => session.abortTransaction().catch(() => {});

describe("transactions through the driver", () => {
  it("commits all of a transaction's writes", async () => {
    const accounts = t.freshDb().collection<{ _id: string; balance: number }>("accounts");
    await accounts.insertMany([
      { _id: "a", balance: 100 },
      { _id: "b", balance: 0 },
    ]);
    const session = t.client.startSession();
    try {
      await session.withTransaction(async () => {
        await accounts.updateOne({ _id: "a" }, { $inc: { balance: -30 } }, { session });
        await accounts.updateOne({ _id: "b" }, { $inc: { balance: 30 } }, { session });
      });
    } finally {
      await session.endSession();
    }
    expect(await accounts.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: "a", balance: 70 },
      { _id: "b", balance: 30 },
    ]);
  });

  it("undoes every write of an aborted transaction, including unique index entries", async () => {
    const db = t.freshDb();
    const users = db.collection<{ _id: number; email: string; n?: number }>("users");
    await users.createIndex({ email: 1 }, { unique: true });
    await users.insertMany([
      { _id: 1, email: "x", n: 1 },
      { _id: 2, email: "y" },
    ]);
    const session = t.client.startSession();
    try {
      session.startTransaction();
      await users.insertOne({ _id: 3, email: "z" }, { session });
      await users.updateOne({ _id: 1 }, { $set: { email: "x2", n: 2 } }, { session });
      await users.deleteOne({ _id: 2 }, { session });
      await db.collection("audit").insertOne({ created: "in transaction" }, { session });
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    expect(await users.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 1, email: "x", n: 1 },
      { _id: 2, email: "y" },
    ]);
    expect(await db.listCollections({ name: "audit" }).toArray()).toEqual([]);
    await users.insertOne({ _id: 4, email: "z" });
    await users.insertOne({ _id: 5, email: "x2" });
    await expect(users.insertOne({ _id: 6, email: "x" })).rejects.toMatchObject({ code: 11000 });
  });

  it("runs concurrent transactions one at a time, so no increment is lost", async () => {
    const counters = t.freshDb().collection<{ _id: string; n: number }>("counters");
    await counters.insertOne({ _id: "c", n: 0 });
    const incrementTwentyTimes = async () => {
      const session = t.client.startSession();
      try {
        for (let i = 0; i < 20; i++) {
          await session.withTransaction(async () => {
            const current = await counters.findOne({ _id: "c" }, { session });
            await counters.updateOne(
              { _id: "c" },
              { $set: { n: (current?.n ?? 0) + 1 } },
              { session },
            );
          });
        }
      } finally {
        await session.endSession();
      }
    };
    await Promise.all([incrementTwentyTimes(), incrementTwentyTimes()]);
    expect(await counters.findOne({ _id: "c" })).toEqual({ _id: "c", n: 40 });
  });

  it("aborts the whole transaction when one of its writes fails, as MongoDB does", async () => {
    const items = t.freshDb().collection<{ _id: number }>("items");
    await items.insertOne({ _id: 1 });
    const session = t.client.startSession();
    try {
      session.startTransaction();
      await items.insertOne({ _id: 2 }, { session });
      await expect(items.insertOne({ _id: 1 }, { session })).rejects.toMatchObject({ code: 11000 });
      const commit = await session.commitTransaction().catch((error: unknown) => error);
      expect(commit).toBeInstanceOf(MongoServerError);
      expect(commit).toMatchObject({ code: 251, codeName: "NoSuchTransaction" });
      expect((commit as MongoServerError).hasErrorLabel("TransientTransactionError")).toBe(true);
    } finally {
      await session.endSession();
    }
    expect(await items.countDocuments()).toBe(1);
  });

  it("accepts a repeated commit of a committed transaction", async () => {
    const items = t.freshDb().collection("items");
    const session = t.client.startSession();
    try {
      session.startTransaction();
      await items.insertOne({ n: 1 }, { session });
      await session.commitTransaction();
      await session.commitTransaction();
    } finally {
      await session.endSession();
    }
    expect(await items.countDocuments()).toBe(1);
  });
});

describe("snapshot isolation and first-writer-wins, as WiredTiger gives them", () => {
  const begin = (session: ClientSession) => {
    session.startTransaction({ readConcern: { level: "snapshot" } });
  };

  it("hides a transaction's writes from everyone else until it commits", async () => {
    const items = t.freshDb().collection<{ _id: number; n: number }>("items");
    await items.insertOne({ _id: 1, n: 1 });
    await withSessions(1, async (session) => {
      begin(session);
      await items.updateOne({ _id: 1 }, { $set: { n: 2 } }, { session });
      await items.insertOne({ _id: 2, n: 2 }, { session });
      expect(await items.find({}, { session }).toArray()).toEqual([
        { _id: 1, n: 2 },
        { _id: 2, n: 2 },
      ]);
      // A read that forgot `{ session }` sees only committed data, as on MongoDB.
      expect(await items.find().toArray()).toEqual([{ _id: 1, n: 1 }]);
      expect(await items.countDocuments()).toBe(1);
      await session.commitTransaction();
    });
    expect(await items.find().toArray()).toEqual([
      { _id: 1, n: 2 },
      { _id: 2, n: 2 },
    ]);
  });

  it("reads a transaction's snapshot even after others commit changes", async () => {
    const items = t.freshDb().collection<{ _id: number; n: number }>("items");
    await items.insertMany([
      { _id: 1, n: 1 },
      { _id: 2, n: 1 },
    ]);
    await withSessions(1, async (session) => {
      begin(session);
      expect(await items.findOne({ _id: 1 }, { session })).toEqual({ _id: 1, n: 1 });
      await items.updateOne({ _id: 2 }, { $set: { n: 9 } });
      await items.insertOne({ _id: 3, n: 9 });
      await items.deleteOne({ _id: 1 });
      expect(await items.find({}, { session }).toArray()).toEqual([
        { _id: 1, n: 1 },
        { _id: 2, n: 1 },
      ]);
      await session.commitTransaction();
    });
  });

  it("fails the second of two transactions writing one document at once with a transient WriteConflict", async () => {
    const items = t.freshDb().collection<{ _id: number; n: number }>("items");
    await items.insertOne({ _id: 1, n: 0 });
    await withSessions(2, async (first, second) => {
      begin(first);
      begin(second);
      await items.updateOne({ _id: 1 }, { $inc: { n: 1 } }, { session: first });
      const conflict = await items
        .updateOne({ _id: 1 }, { $inc: { n: 10 } }, { session: second })
        .catch((error: unknown) => error);
      expect(conflict).toBeInstanceOf(MongoServerError);
      expect(conflict).toMatchObject({ code: 112, codeName: "WriteConflict" });
      expect((conflict as MongoServerError).hasErrorLabel("TransientTransactionError")).toBe(true);
      // The loser's transaction is aborted: its next command is told so.
      await expect(items.findOne({ _id: 1 }, { session: second })).rejects.toMatchObject({
        code: 251,
      });
      await abortQuietly(second);
      await first.commitTransaction();
    });
    expect(await items.findOne({ _id: 1 })).toEqual({ _id: 1, n: 1 });
  });

  it("fails a transaction that writes a document changed after its snapshot", async () => {
    const items = t.freshDb().collection<{ _id: number; n: number }>("items");
    await items.insertOne({ _id: 1, n: 0 });
    await withSessions(1, async (late) => {
      begin(late);
      expect(await items.findOne({ _id: 1 }, { session: late })).toEqual({ _id: 1, n: 0 });
      await items.updateOne({ _id: 1 }, { $set: { n: 5 } });
      await expect(
        items.updateOne({ _id: 1 }, { $set: { n: 1 } }, { session: late }),
      ).rejects.toMatchObject({ code: 112 });
      await abortQuietly(late);
    });
    expect(await items.findOne({ _id: 1 })).toEqual({ _id: 1, n: 5 });
  });

  it("runs transactions on different documents side by side", async () => {
    const items = t.freshDb().collection<{ _id: number; n: number }>("items");
    await items.insertMany([
      { _id: 1, n: 0 },
      { _id: 2, n: 0 },
    ]);
    await withSessions(2, async (a, b) => {
      begin(a);
      begin(b);
      await items.updateOne({ _id: 1 }, { $set: { n: 1 } }, { session: a });
      await items.updateOne({ _id: 2 }, { $set: { n: 2 } }, { session: b });
      await b.commitTransaction();
      await a.commitTransaction();
    });
    expect(await items.find().toArray()).toEqual([
      { _id: 1, n: 1 },
      { _id: 2, n: 2 },
    ]);
  });

  it("makes a write outside a transaction wait for the transaction holding its document, then apply", async () => {
    const items = t.freshDb().collection<{ _id: number; n: number }>("items");
    await items.insertMany([
      { _id: 1, n: 0 },
      { _id: 2, n: 0 },
    ]);
    await withSessions(1, async (session) => {
      begin(session);
      await items.updateOne({ _id: 1 }, { $inc: { n: 1 } }, { session });
      let waitingDone = false;
      const waiting = items.updateOne({ _id: 1 }, { $inc: { n: 10 } }).then(() => {
        waitingDone = true;
      });
      // Unrelated writes go through at once.
      await items.updateOne({ _id: 2 }, { $inc: { n: 1 } });
      await items.insertOne({ _id: 3, n: 0 });
      await sleep(100);
      expect(waitingDone).toBe(false);
      await session.commitTransaction();
      await waiting;
    });
    expect(await items.find().toArray()).toEqual([
      { _id: 1, n: 11 },
      { _id: 2, n: 1 },
      { _id: 3, n: 0 },
    ]);
  });

  it("keeps unique indexes across concurrent transactions: a write conflict while the first is open, E11000 after", async () => {
    const users = t.freshDb().collection<{ _id: number; email: string }>("users");
    await users.createIndex({ email: 1 }, { unique: true });
    await withSessions(2, async (first, second) => {
      begin(first);
      begin(second);
      await users.insertOne({ _id: 1, email: "ana@x" }, { session: first });
      await expect(
        users.insertOne({ _id: 2, email: "ana@x" }, { session: second }),
      ).rejects.toMatchObject({ code: 112 });
      await abortQuietly(second);
      await first.commitTransaction();
    });
    await expect(users.insertOne({ _id: 3, email: "ana@x" })).rejects.toMatchObject({
      code: 11000,
    });
    expect(await users.countDocuments()).toBe(1);
  });

  it("shows collections and indexes created in a transaction only after it commits", async () => {
    const db = t.freshDb();
    await withSessions(1, async (session) => {
      begin(session);
      await db.collection("fresh").insertOne({ _id: 1 } as never, { session });
      await db.collection("fresh").createIndex({ a: 1 }, { session });
      expect(await db.listCollections({ name: "fresh" }).toArray()).toEqual([]);
      await session.commitTransaction();
    });
    expect(await db.listCollections({ name: "fresh" }, { nameOnly: true }).toArray()).toEqual([
      { name: "fresh", type: "collection" },
    ]);
    expect((await db.collection("fresh").indexes()).map((index) => index.name)).toEqual([
      "_id_",
      "a_1",
    ]);
  });

  it("runs a withTransaction callback again after a real write conflict", async () => {
    const items = t.freshDb().collection<{ _id: number; n: number }>("items");
    await items.insertOne({ _id: 1, n: 0 });
    await withSessions(2, async (holder, retrying) => {
      begin(holder);
      await items.updateOne({ _id: 1 }, { $inc: { n: 1 } }, { session: holder });
      let attempts = 0;
      const retried = retrying.withTransaction(async () => {
        attempts++;
        await items.updateOne({ _id: 1 }, { $inc: { n: 10 } }, { session: retrying });
      });
      await sleep(150);
      await holder.commitTransaction();
      await retried;
      expect(attempts).toBeGreaterThanOrEqual(2);
    });
    expect(await items.findOne({ _id: 1 })).toEqual({ _id: 1, n: 11 });
  });

  it("answers a write concern one node cannot meet with UnsatisfiableWriteConcern, after applying the write", async () => {
    const items = t.freshDb().collection<{ _id: number }>("items");
    await expect(items.insertOne({ _id: 1 }, { writeConcern: { w: 5 } })).rejects.toMatchObject({
      code: 100,
    });
    await items.insertOne({ _id: 2 }, { writeConcern: { w: "majority" } });
    expect(await items.countDocuments()).toBe(2);
  });

  it("stamps replies with an operationTime that moves forward with each commit", async () => {
    const db = t.freshDb();
    const times: Timestamp[] = [];
    for (let i = 0; i < 2; i++) {
      const reply = await db.command({ insert: "items", documents: [{ i }] });
      expect(reply.$clusterTime?.clusterTime).toEqual(reply.operationTime);
      times.push(reply.operationTime as Timestamp);
    }
    expect((times[1] as Timestamp).greaterThan(times[0] as Timestamp)).toBe(true);
  });
});

describe("transaction manager", () => {
  it("aborts a transaction past its lifetime limit", async () => {
    const store = new Store(new LogicalClock());
    const manager = new TransactionManager(store, 20);
    manager.join("session", 1, true);
    await sleep(50);
    expect(() => manager.commit("session", 1)).toThrow(/aborted or was never started/);
  });

  it("answers commit/abort of an unknown transaction with NoSuchTransaction", () => {
    const manager = new TransactionManager(new Store(new LogicalClock()));
    for (const end of [() => manager.commit("s", 7), () => manager.abort("s", 7)]) {
      expect(end).toThrow(expect.objectContaining({ code: 251 }));
    }
  });
});
