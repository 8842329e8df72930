import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slackEventsPath } from "../../../src/app/http-server.js";
import { snapshotDatabase } from "../../reliability/support/snapshot.js";
import { type Harness, signingSecret, startHarness, users } from "../../support/app-harness.js";
import { aCustomer, insertCustomers } from "../../support/customer-fixtures.js";
import {
  blockActionsPayload,
  formContentType,
  interactionBody,
  postSigned,
} from "../../support/slack/sign-request.js";
import { TEAM_DOMAIN, TEAM_ID } from "../../support/slack/test-workspace.js";

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

describe("payloads the app does not expect", () => {
  const team = { id: TEAM_ID, domain: TEAM_DOMAIN };
  const user = { id: users.manager, username: "manager", team_id: TEAM_ID };
  const send = (payload: Record<string, unknown>) =>
    postSigned(
      `${harness.baseUrl}${slackEventsPath}`,
      signingSecret,
      interactionBody(payload),
      formContentType,
    );
  const warned = (...fragments: string[]) =>
    harness.logLines.some(
      (line) => line.includes('"level":40') && fragments.every((part) => line.includes(part)),
    );

  it("acks a button press that names no user, logs it, answers nothing and changes nothing", async () => {
    const before = await snapshotDatabase(harness.db);
    const responseUrl = harness.slack.responseUrl();
    const { user: _user, ...payload } = blockActionsPayload({
      userId: users.manager,
      responseUrl,
      action: { action_id: "menu_list", value: "x" },
    });
    const started = Date.now();
    const { status } = await send(payload);
    expect(status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect.poll(() => warned("without a user", '"name":"menu_list"')).toBe(true);
    expect(harness.slack.responsesTo(responseUrl)).toEqual([]);
    expect(await snapshotDatabase(harness.db)).toEqual(before);
  });

  it("acks a global shortcut and a message shortcut it has no listener for, and logs them", async () => {
    const before = await snapshotDatabase(harness.db);
    const started = Date.now();
    const shortcut = await send({
      type: "shortcut",
      token: "fake-verification-token",
      action_ts: "1700000000.000200",
      team,
      user,
      callback_id: "new_customer_shortcut",
      trigger_id: "1111.2222.abcd",
      is_enterprise_install: false,
      enterprise: null,
    });
    const messageAction = await send({
      type: "message_action",
      token: "fake-verification-token",
      action_ts: "1700000000.000300",
      team,
      user,
      callback_id: "quote_in_ticket",
      trigger_id: "1111.2222.abce",
      message_ts: "1700000000.000100",
      response_url: harness.slack.responseUrl(),
      channel: { id: "C0CUSTOPS", name: "customer-ops" },
      message: { type: "message", user: users.support, ts: "1700000000.000100", text: "hi" },
      is_enterprise_install: false,
      enterprise: null,
    });
    expect([shortcut.status, messageAction.status]).toEqual([200, 200]);
    expect(Date.now() - started).toBeLessThan(2_500);
    await expect.poll(() => warned("new_customer_shortcut")).toBe(true);
    await expect.poll(() => warned("quote_in_ticket")).toBe(true);
    expect(await snapshotDatabase(harness.db)).toEqual(before);
  });
});
