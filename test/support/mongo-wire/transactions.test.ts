import { MongoServerError } from "mongodb";
import { describe, expect, it } from "vitest";
import { useWireServer } from "./harness.js";
import { TransactionLock, TransactionManager } from "./transactions.js";

const t = useWireServer();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

  it("makes writes outside a transaction wait for it, while reads go ahead", async () => {
    const items = t.freshDb().collection("items");
    await items.insertOne({ n: 1 });
    const session = t.client.startSession();
    try {
      session.startTransaction();
      await items.insertOne({ n: 2 }, { session });
      let outsideDone = false;
      const outside = items.insertOne({ n: 3 }).then(() => {
        outsideDone = true;
      });
      expect(await items.countDocuments({ n: 1 })).toBe(1);
      await sleep(100);
      expect(outsideDone).toBe(false);
      await session.commitTransaction();
      await outside;
    } finally {
      await session.endSession();
    }
    expect(await items.countDocuments()).toBe(3);
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

  it("lets withTransaction retry when another transaction holds the lock for too long", async () => {
    const items = t.freshDb().collection("items");
    const slow = t.client.startSession();
    const waiting = t.client.startSession();
    try {
      slow.startTransaction();
      await items.insertOne({ by: "slow" }, { session: slow });
      let attempts = 0;
      const retried = waiting.withTransaction(async () => {
        attempts++;
        await items.insertOne({ by: "waiting" }, { session: waiting });
      });
      await sleep(5_500); // past the 5 s lock wait: the first attempt got a WriteConflict
      await slow.commitTransaction();
      await retried;
      expect(attempts).toBe(2);
    } finally {
      await slow.endSession();
      await waiting.endSession();
    }
    expect(await items.countDocuments()).toBe(2);
  });
});

describe("transaction lock and manager", () => {
  it("grants the lock in request order", async () => {
    const lock = new TransactionLock(1_000);
    const [a, b, c] = [{}, {}, {}];
    const order: string[] = [];
    await lock.acquire(a);
    const waitB = lock.acquire(b).then(() => order.push("b"));
    const waitC = lock.acquire(c).then(() => order.push("c"));
    lock.release(a);
    await waitB;
    expect(order).toEqual(["b"]);
    lock.release(b);
    await waitC;
    expect(order).toEqual(["b", "c"]);
  });

  it("fails a request that waits too long with a transient WriteConflict", async () => {
    const lock = new TransactionLock(20);
    await lock.acquire({});
    await expect(lock.acquire({})).rejects.toMatchObject({
      code: 112,
      codeName: "WriteConflict",
      extra: { errorLabels: ["TransientTransactionError"] },
    });
  });

  it("aborts a transaction left idle, releasing the lock", async () => {
    const manager = new TransactionManager(1_000, 20);
    await manager.join("session", 1, true);
    await sleep(50);
    expect(() => manager.commit("session", 1)).toThrow(/aborted or was never started/);
    await manager.lock.acquire({});
  });

  it("answers commit/abort of an unknown transaction with NoSuchTransaction", () => {
    const manager = new TransactionManager();
    for (const end of [() => manager.commit("s", 7), () => manager.abort("s", 7)]) {
      expect(end).toThrow(expect.objectContaining({ code: 251 }));
    }
  });
});
