import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshotDatabase } from "../../reliability/support/snapshot.js";
import { type Harness, startHarness, users } from "../../support/app-harness.js";
import { aCustomer, insertCustomers } from "../../support/customer-fixtures.js";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [aCustomer({ account: "ana@example.com" })]);
});
afterAll(() => harness.stop());

describe("buttons and forms the app does not know", () => {
  it("acks a click on an unknown button at once, logs its id, answers nothing and changes nothing", async () => {
    const before = await snapshotDatabase(harness.db);
    const started = Date.now();
    const { status, responseUrl } = await harness.click(users.manager, {
      action_id: "open_console_link",
      block_id: "links",
      value: "x",
      text: "Open console",
    });
    expect(status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect
      .poll(() => harness.logLines.some((line) => line.includes('"actionId":"open_console_link"')))
      .toBe(true);
    expect(harness.slack.responsesTo(responseUrl)).toEqual([]);
    expect(await snapshotDatabase(harness.db)).toEqual(before);
  });

  it("acks an unknown form's submission (the modal closes) and changes nothing", async () => {
    const before = await snapshotDatabase(harness.db);
    const { status } = await harness.submitView(users.manager, {
      id: "VUNKNOWN1",
      callback_id: "retired_form",
      private_metadata: "",
      blocks: [],
      state: { values: {} },
    } as never);
    expect(status).toBe(200);
    await expect
      .poll(() => harness.logLines.some((line) => line.includes('"callbackId":"retired_form"')))
      .toBe(true);
    expect(await snapshotDatabase(harness.db)).toEqual(before);
  });
});
