import { MongoClient, MongoNetworkError, MongoServerError } from "mongodb";
import { afterEach, describe, expect, it } from "vitest";
import { useWireServer } from "./harness.js";

const t = useWireServer();

const failCommand = (mode: unknown, data: Record<string, unknown>) =>
  t.client.db("admin").command({ configureFailPoint: "failCommand", mode, data });

afterEach(async () => {
  await t.client.db("admin").command({ configureFailPoint: "failCommand", mode: "off" });
});

describe("configureFailPoint failCommand, as mongod has it with test commands enabled", () => {
  it("fails the named command the given number of times with the given code, then lets it run", async () => {
    const items = t.freshDb().collection<{ _id: number }>("items");
    await failCommand({ times: 2 }, { failCommands: ["insert"], errorCode: 2 });
    for (const id of [1, 2]) {
      await expect(items.insertOne({ _id: id })).rejects.toMatchObject({ code: 2 });
    }
    await items.insertOne({ _id: 3 });
    expect(await items.find().toArray()).toEqual([{ _id: 3 }]);
  });

  it("lets the first n commands through with skip", async () => {
    const items = t.freshDb().collection<{ _id: number }>("items");
    await failCommand({ skip: 1 }, { failCommands: ["insert"], errorCode: 2 });
    await items.insertOne({ _id: 1 });
    await expect(items.insertOne({ _id: 2 })).rejects.toMatchObject({ code: 2 });
    expect(await items.countDocuments()).toBe(1);
  });

  it("fails only the client whose appName it names", async () => {
    const other = new MongoClient(t.server.uri, { appName: "the-other-app" });
    await other.connect();
    try {
      const dbName = t.freshDb().databaseName;
      await failCommand("alwaysOn", {
        failCommands: ["find"],
        errorCode: 2,
        appName: "the-other-app",
      });
      await expect(other.db(dbName).collection("items").findOne({})).rejects.toMatchObject({
        code: 2,
      });
      expect(await t.client.db(dbName).collection("items").findOne({})).toBeNull();
    } finally {
      await other.close();
    }
  });

  it("gives a retryable write the RetryableWriteError label, so the driver retries it once", async () => {
    const items = t.freshDb().collection<{ _id: number }>("items");
    await failCommand({ times: 1 }, { failCommands: ["insert"], errorCode: 189 });
    await items.insertOne({ _id: 1 });
    expect(await items.find().toArray()).toEqual([{ _id: 1 }]);
  });

  it("uses the labels it is given instead of the server's", async () => {
    const items = t.freshDb().collection<{ _id: number }>("items");
    await failCommand({ times: 1 }, { failCommands: ["insert"], errorCode: 189, errorLabels: [] });
    const error = await items.insertOne({ _id: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).errorLabels).toEqual([]);
    expect(await items.countDocuments()).toBe(0);
  });

  it("closes the connection without running the command", async () => {
    const items = t.freshDb().collection<{ _id: number }>("items");
    // Twice: the driver retries a write once.
    await failCommand({ times: 2 }, { failCommands: ["insert"], closeConnection: true });
    await expect(items.insertOne({ _id: 1 })).rejects.toBeInstanceOf(MongoNetworkError);
    expect(await items.countDocuments()).toBe(0);
  });

  it("holds a command for blockTimeMS before running it", async () => {
    const items = t.freshDb().collection<{ _id: number }>("items");
    await failCommand(
      { times: 1 },
      { failCommands: ["insert"], blockConnection: true, blockTimeMS: 300 },
    );
    const started = Date.now();
    await items.insertOne({ _id: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(await items.countDocuments()).toBe(1);
  });

  it("runs the command and then reports the write concern error it is given", async () => {
    const items = t.freshDb().collection<{ _id: number }>("items");
    await failCommand(
      { times: 1 },
      { failCommands: ["insert"], writeConcernError: { code: 64, errmsg: "waiting timed out" } },
    );
    await expect(items.insertOne({ _id: 1 })).rejects.toMatchObject({ code: 64 });
    expect(await items.countDocuments()).toBe(1);
  });

  it("refuses fail points and options it does not have, naming them", async () => {
    await expect(
      t.client.db("admin").command({ configureFailPoint: "hangBeforeCommit", mode: "alwaysOn" }),
    ).rejects.toThrow(/Cannot find failpoint: hangBeforeCommit/);
    await expect(
      failCommand("alwaysOn", { failCommands: ["find"], errorCode: 2, failOnSunday: true }),
    ).rejects.toThrow(/failOnSunday/);
    await expect(
      t.client.db("test").command({ configureFailPoint: "failCommand", mode: "off" }),
    ).rejects.toMatchObject({ code: 13 });
  });
});
