import { describe, expect, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { ensureIndexes } from "../../src/db/indexes.js";
import { repositoriesForThisFile } from "../support/repositories.js";

const { db } = await repositoriesForThisFile();

describe("the usage index", () => {
  it("an older {customerId, at} index of a database set up before is rebuilt with _id, so the latest charges come in index order", async () => {
    const usage = db.collection(collections.billingRecords);
    await usage.dropIndexes();
    await usage.createIndex({ customerId: 1, at: -1 }, { name: "by_customer_newest_first" });

    await ensureIndexes(db);
    await ensureIndexes(db);

    const indexes = await usage.listIndexes().toArray();
    expect(indexes.find((index) => index.name === "by_customer_newest_first")?.key).toEqual({
      customerId: 1,
      at: -1,
      _id: -1,
    });
  });

  it("day buckets are one per customer and day", async () => {
    const indexes = await db.collection(collections.ledgerDays).listIndexes().toArray();
    expect(indexes.find((index) => index.name === "one_per_customer_day")).toMatchObject({
      key: { customerId: 1, day: -1 },
      unique: true,
    });
  });
});
