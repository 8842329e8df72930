import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { buttonLabelled, visibleText } from "../support/slack-blocks.js";

let harness: Harness;
const customers = Array.from({ length: 12 }, (_, i) =>
  aCustomer({ account: `socket${i}@example.com` }),
);

beforeAll(async () => {
  harness = await startHarness({ socketMode: true });
  await insertCustomers(harness.db, customers);
});
afterAll(() => harness.stop());

describe("Socket Mode", () => {
  it("connects through apps.connections.open and serves a list with pagination, and refuses outsiders", async () => {
    expect(harness.bot.mode).toBe("socket");
    expect(harness.slack.callsTo("apps.connections.open")).toHaveLength(1);
    const { responseUrl } = await harness.command(users.support, "list socket");
    const first = await harness.slack.waitForResponse(responseUrl);
    expect(visibleText(first.body.blocks)).toContain("*12* customers");
    const second = await harness.clickAndWait(
      users.support,
      buttonLabelled(first.body.blocks, "Next"),
      { responseUrl },
    );
    expect(visibleText(second.body.blocks)).toContain("page 2 of 2");
    const refused = await harness.ask(users.outsider, "list");
    expect(refused.body.text).toContain("you don't have access");
  });
});
