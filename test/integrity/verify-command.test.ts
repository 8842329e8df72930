import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { postedRequest } from "../support/money-helpers.js";
import { buttonLabelled, visibleText } from "../support/slack-blocks.js";

let harness: Harness;
const busy = aCustomer({ account: "busy.ledger@example.com" });
const tampered = aCustomer({ account: "tampered.ledger@example.com" });

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [busy, tampered]);
  await harness.ask(users.admin, "pool set 500");
});
afterAll(() => harness.stop());

/** Refills, a deduction, a credits grant approved by a manager's click, and concurrent refills. */
async function busyHistory(account: string, customerId: string): Promise<void> {
  await harness.ask(users.support, `balance ${customerId} +120 wire transfer`);
  await harness.ask(users.support, `balance ${customerId} -20 refund`);
  await harness.ask(users.support, `credits ${customerId} 40 welcome bonus`);
  await harness.approve(
    users.manager,
    buttonLabelled((await postedRequest(harness, account)).args.blocks, "Approve"),
  );
  await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      harness.ask(users.manager, `balance ${customerId} +1 top-up ${i}`),
    ),
  );
}

async function verifyAs(userId: string, ref: string) {
  const { status, responseUrl } = await harness.command(userId, `verify ${ref}`);
  const answer = await harness.slack.waitForResponse(responseUrl);
  return { status, answer, text: visibleText(answer.body.blocks) };
}

describe("/customer verify REF", () => {
  it("after a busy history (approvals and concurrent changes), answers privately that the chain is intact and the sums match", async () => {
    await busyHistory(busy.account, busy.customerId);

    const { status, answer, text } = await verifyAs(users.support, busy.account);

    expect(status).toBe(200);
    expect(answer.body.response_type ?? "ephemeral").toBe("ephemeral");
    expect(text).toContain(
      "Verified *busy.ledger@example.com*: 8 entries, chain intact, sums match balance $105.00 and credits $40.00.",
    );
    const recorded = await harness.db
      .collection(collections.auditEvents)
      .findOne({ action: "customer.verify", "target.customerId": busy.customerId });
    expect(recorded).toMatchObject({ actorId: users.support, outcome: "done" });
  });

  it("names the entry an edit in MongoDB changed, with what it does to the balance", async () => {
    await harness.ask(users.support, `balance ${tampered.customerId} +30 first`);
    await harness.ask(users.support, `balance ${tampered.customerId} +10 second`);
    const second = await harness.db
      .collection(collections.ledgerEntries)
      .findOne({ customerId: tampered.customerId, seq: 2 });
    await harness.db
      .collection(collections.ledgerEntries)
      .updateOne({ _id: second?._id }, { $set: { amount: 9000 } });

    const { text } = await verifyAs(users.manager, tampered.customerId);

    expect(text).toContain(
      "*tampered.ledger@example.com*: the ledger does not verify — 3 problems in 2 chained entries:",
    );
    expect(text).toContain(
      `• seq 2 · \`${second?._id.toHexString()}\` · <!date^${Math.floor(second?.at.getTime() / 1000)}`,
    );
    expect(text).toContain("— hash mismatch — the stored entry was changed");
    expect(text).toContain("• balance $40.00 but the ledger sums to $120.00");
  });

  it("someone without a role is refused, and nothing is verified", async () => {
    const { text } = await verifyAs(users.outsider, busy.customerId);

    expect(text).toMatch(/don't have access/);
    expect(
      await harness.db
        .collection(collections.auditEvents)
        .countDocuments({ action: "customer.verify", actorId: users.outsider }),
    ).toBe(0);
  });

  it("a missing REF is answered with the usage", async () => {
    const { text } = await verifyAs(users.support, "");
    expect(text).toContain("/customer verify REF");
  });
});
