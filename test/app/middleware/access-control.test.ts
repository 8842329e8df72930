import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../../src/db/collections.js";
import { type Harness, startHarness, users } from "../../support/app-harness.js";
import { aCustomer, insertCustomers } from "../../support/customer-fixtures.js";
import { buttonLabelled } from "../../support/slack-blocks.js";

let harness: Harness;
const customer = aCustomer({ account: "guarded@example.com" });

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [customer]);
});
afterAll(() => harness.stop());

async function refusals() {
  return harness.db
    .collection(collections.auditEvents)
    .find({ action: "access.refused" })
    .toArray();
}

describe("access control", () => {
  it("refuses a command from someone without a role, politely and privately, and records it", async () => {
    const reply = await harness.ask(users.outsider, `show ${customer.account}`);
    expect(reply.body.response_type).toBe("ephemeral");
    expect(reply.body.text).toContain("you don't have access to the customer bot");
    expect(JSON.stringify(reply.body)).not.toContain(customer.account);
    expect(await refusals()).toEqual([
      expect.objectContaining({
        actorId: users.outsider,
        outcome: "refused",
        detail: "no role for command /customer",
      }),
    ]);
  });

  it("refuses a button someone else's message carried", async () => {
    const card = await harness.ask(users.support, `show ${customer.account}`);
    const reply = await harness.clickAndWait(
      users.outsider,
      buttonLabelled(card.body.blocks, "Billing details"),
    );
    expect(reply.body.text).toContain("you don't have access");
    expect((await refusals()).map((event) => event.detail)).toContain(
      "no role for block_actions customer_billing",
    );
  });

  it("refuses a modal submission with a modal that says so", async () => {
    const { status, json } = await harness.submitView(users.outsider, {
      callback_id: "customer_create",
      state: { values: {} },
    });
    expect(status).toBe(200);
    expect(JSON.stringify(json)).toContain("you don't have access");
    expect(json).toMatchObject({ response_action: "update" });
  });

  it("lets a support member in by user ID and by user group", async () => {
    for (const userId of [users.support, users.groupSupport]) {
      const reply = await harness.ask(userId, `show ${customer.account}`);
      expect(reply.body.text).toContain(customer.customerId);
    }
  });

  it("App Home explains itself to someone without a role", async () => {
    await harness.event({
      type: "app_home_opened",
      user: users.outsider,
      tab: "home",
      channel: "D0HOME",
    });
    const publish = await harness.slack.waitForCall(
      "views.publish",
      (call) => call.args.user_id === users.outsider,
    );
    expect(JSON.stringify(publish.args.view)).toContain("don't have access");
  });
});
