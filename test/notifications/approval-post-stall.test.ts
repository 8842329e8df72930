/**
 * An instance that crashed in the middle of a decision leaves its transaction open, and MongoDB keeps
 * the approval it wrote locked until it gives the transaction up (after a minute). The approvals
 * channel must not wait for that: the next requests are posted meanwhile.
 */
import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { postedRequest } from "../support/money-helpers.js";
import { buttonLabelled } from "../support/slack-blocks.js";

let harness: Harness;
const first = aCustomer({ account: "locked.request@example.com" });
const second = aCustomer({ account: "next.request@example.com" });

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [first, second]);
  await harness.ask(users.admin, "pool set 1000");
  await harness.outboxDelivered();
});
afterAll(() => harness.stop());

describe("an approval locked by a crashed instance's open transaction", () => {
  it("does not hold up the approvals channel: the next request is posted at once, and the locked one's decision still updates its message", async () => {
    const approvalsChannel = harness.config.approvalsChannelId;
    // The first request's post waits a second (a rate limit), long enough to lock its approval.
    harness.slack.addFault({
      method: "chat.postMessage",
      channel: approvalsChannel,
      times: 1,
      fault: { kind: "ratelimited", retryAfterSeconds: 1 },
    });
    await harness.ask(users.support, `credits ${first.customerId} 5 locked`);
    const stored = await harness.db
      .collection(collections.approvals)
      .findOne({ customerId: first.customerId });
    if (!stored) throw new Error("no approval stored");
    // The "crashed instance": a transaction that wrote the approval and never ends.
    const crashed = harness.database.client.startSession();
    crashed.startTransaction();
    await harness.db.collection(collections.approvals).updateOne(
      { _id: new ObjectId(stored._id) },
      { $set: { note: "in flight" } },
      {
        session: crashed,
      },
    );
    try {
      const firstPost = await postedRequest(harness, first.account);
      await harness.ask(users.support, `credits ${second.customerId} 6 next`);
      const secondPost = await harness.slack.waitForCall(
        "chat.postMessage",
        (call) =>
          call.args.channel === approvalsChannel &&
          JSON.stringify(call.args.blocks).includes(second.account),
        4000,
      );
      expect(secondPost.at - firstPost.at).toBeLessThan(4000);
    } finally {
      await crashed.abortTransaction();
      await crashed.endSession();
    }
    // The decision on the once-locked request updates the message that was posted, once.
    const posts = (harness.slack.deliveredMessages()[approvalsChannel] ?? []).filter(
      (call) =>
        call.method === "chat.postMessage" &&
        JSON.stringify(call.args.blocks).includes(first.account),
    );
    expect(posts).toHaveLength(1);
    const approved = await harness.approve(
      users.manager,
      buttonLabelled(posts[0]?.args.blocks, "Approve"),
    );
    expect(String(approved.body.text)).toContain("Approved");
    await harness.outboxDelivered();
    const entry = await harness.db
      .collection(collections.outbox)
      .findOne({ "owed.kind": "approval.post", "owed.approvalId": String(stored._id) });
    const updates = (harness.slack.deliveredMessages()[approvalsChannel] ?? []).filter(
      (call) => call.method === "chat.update" && call.args.ts === entry?.message?.ts,
    );
    expect(updates).toHaveLength(1);
  });
});
