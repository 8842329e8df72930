import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../../src/db/collections.js";
import type { Database } from "../../../src/db/mongo.js";
import { InviteRepository } from "../../../src/invites/invite-repository.js";
import { openTestDatabase } from "../mongo/test-database.js";
import { takeRecorded } from "./command-recorder.js";

let database: Database & { drop(): Promise<void> };
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.drop());

describe("recording the app's commands", () => {
  it("keeps what src/ sends, with its call site and verdict, and leaves out what test code sends on the same client", async () => {
    takeRecorded();
    await new InviteRepository(database.db).listOpen(new Date(), 20);
    await database.db.collection(collections.invites).findOne({ createdBy: "U0ADMIN" });

    const { queries, excludedTestCommands } = takeRecorded();

    expect(queries).toEqual([
      expect.objectContaining({
        collection: "invites",
        shape: "find {expiresAt: range, state: =} sort {expiresAt: -1, _id: -1} limit",
        verdict: { ok: true, index: "open_by_expiry" },
        app: 1,
        sites: ["InviteRepository.listOpen (src/invites/invite-repository.ts)"],
      }),
    ]);
    expect(excludedTestCommands).toBe(1);
  });
});
