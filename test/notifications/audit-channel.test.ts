import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";

let harness: Harness;
const customer = aCustomer({ account: "audited@example.com" });
const auditChannel = "CAUDIT0001";

beforeAll(async () => {
  harness = await startHarness({ env: { AUDIT_CHANNEL_ID: auditChannel } });
  await insertCustomers(harness.db, [customer]);
});
afterAll(() => harness.stop());

describe("audit channel", () => {
  it("every change is also posted there as one short line", async () => {
    await harness.ask(users.support, `balance ${customer.customerId} +12.50 goodwill`);
    const line = await harness.slack.waitForCall(
      "chat.postMessage",
      (call) => call.args.channel === auditChannel,
    );
    expect(String(line.args.text)).toBe(
      `<@${users.support}> refilled the balance of *audited@example.com*: balance $0.00 → $12.50 — _goodwill_`,
    );
  });

  it("refused attempts and reads are not posted", async () => {
    harness.slack.reset();
    await harness.ask(users.support, `balance ${customer.customerId} -100 too much`);
    await harness.ask(users.support, `show ${customer.customerId}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(
      harness.slack
        .callsTo("chat.postMessage")
        .filter((call) => call.args.channel === auditChannel),
    ).toEqual([]);
  });

  it("when posting fails (channel_not_found) the change still commits, the failure is logged, and the line arrives once the channel is fixed", async () => {
    harness.slack.reset();
    harness.slack.addFault({
      method: "chat.postMessage",
      channel: auditChannel,
      times: 3,
      fault: { kind: "error", error: "channel_not_found" },
    });
    const reply = await harness.ask(users.support, `tag ${customer.customerId} kept`);
    expect(String(reply.body.text)).toContain("1 change");
    expect(
      await harness.db
        .collection(collections.customers)
        .findOne({ customerId: customer.customerId }),
    ).toMatchObject({ tag: "kept" });
    await expect
      .poll(() =>
        harness.logLines.some(
          (line) =>
            line.includes("could not deliver an outbox message yet") &&
            line.includes("channel_not_found"),
        ),
      )
      .toBe(true);
    // The operator invites the bot / fixes the channel: the poster's retries get it through, once.
    await expect
      .poll(() => (harness.slack.deliveredMessages()[auditChannel] ?? []).length, {
        timeout: 5000,
      })
      .toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [line] = harness.slack.deliveredMessages()[auditChannel] ?? [];
    expect(String(line?.args.text)).toContain("changed the tag of");
    expect(harness.slack.deliveredMessages()[auditChannel]).toHaveLength(1);
  });
});
