import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../../src/db/collections.js";
import { type Harness, type SentView, startHarness, users } from "../../support/app-harness.js";
import { aCustomer, insertCustomers } from "../../support/customer-fixtures.js";
import { moneyOf } from "../../support/money-helpers.js";
import { sendInteraction, submitWithPick, typeIntoPicker } from "../../support/picker.js";
import { blockActionsPayload } from "../../support/slack/sign-request.js";
import { visibleText } from "../../support/slack-blocks.js";

let harness: Harness;
const ana = aCustomer({
  account: "ana@acme.example",
  teamName: "Acme Rockets",
  balance: 1_000,
  tag: "trial",
});
const bob = aCustomer({ account: "bob@acme.example", teamName: "Acme Labs", status: "off" });
const zed = aCustomer({ account: "zed@other.example", teamName: "Other" });
const longOne = aCustomer({
  account: `${"a".repeat(60)}@acme-long.example`,
  teamName: "A team name far too long to show whole in seventy-five characters",
});
/** 22 more customers whose team starts with "Widget": more than the picker lists. */
const widgets = Array.from({ length: 22 }, (_, n) =>
  aCustomer({ account: `w${n}@widgets.example`, teamName: `Widget ${n}` }),
);

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [ana, bob, zed, longOne, ...widgets]);
  await harness.ask(users.admin, "pool set 100");
});
afterAll(() => harness.stop());

const audit = () => harness.db.collection(collections.auditEvents);

describe("typing into the customer picker", () => {
  it("lists matching customers as “account · team · CUS-ID · status”, the value only the ID", async () => {
    const options = await typeIntoPicker(harness, users.support, "acme");
    const [newest, ...older] = options.map((option) => option.text.text);
    expect(newest).toMatch(new RegExp(`^a{30,}… · A team name far… · ${longOne.customerId} · on$`));
    expect(older).toEqual([
      `bob@acme.example · Acme Labs · ${bob.customerId} · off`,
      `ana@acme.example · Acme Rockets · ${ana.customerId} · on`,
    ]);
    expect(options.map((option) => option.value)).toEqual([
      longOne.customerId,
      bob.customerId,
      ana.customerId,
    ]);
    for (const option of options) expect(option.text.text.length).toBeLessThanOrEqual(75);
  });

  it("finds by every word's start, the internal ID included, and lists at most 20", async () => {
    expect((await typeIntoPicker(harness, users.support, "rock ana")).map((o) => o.value)).toEqual([
      ana.customerId,
    ]);
    expect(
      (await typeIntoPicker(harness, users.support, zed.customerId.toLowerCase())).map(
        (o) => o.value,
      ),
    ).toEqual([zed.customerId]);
    const many = await typeIntoPicker(harness, users.support, "widget");
    expect(many).toHaveLength(20);
    const widgetIds = widgets.map((widget) => widget.customerId);
    expect(many.every((option) => widgetIds.includes(option.value))).toBe(true);
    expect(new Set(many.map((option) => option.value)).size).toBe(20);
  });

  it.each([
    ["over-long", "acme ".repeat(30)],
    ["a control character", "ac\u0007me"],
    ["a bidirectional control", "ac\u202Eme"],
    ["too short once cleaned", " a\u200B "],
  ])("answers %s text with no options", async (_label, value) => {
    expect(await typeIntoPicker(harness, users.support, value)).toEqual([]);
  });

  it("lists nobody to someone without a role, and records the refusal once a minute, not per keystroke", async () => {
    for (const value of ["an", "ana", "ana@", "ana@a", "ana@ac"])
      expect(await typeIntoPicker(harness, users.outsider, value)).toEqual([]);
    await expect.poll(() => audit().countDocuments({ actorId: users.outsider })).toBe(1);
    expect(await audit().findOne({ actorId: users.outsider })).toMatchObject({
      action: "access.refused",
      outcome: "refused",
    });
    harness.advanceClock(61_000);
    expect(await typeIntoPicker(harness, users.outsider, "bob")).toEqual([]);
    await expect.poll(() => audit().countDocuments({ actorId: users.outsider })).toBe(2);
  });
});

/** The help menu's “Act on a customer…” select, choosing `value`: the form it opens, and where it answers. */
async function menuChoice(value: string): Promise<{ view: SentView; responseUrl: string }> {
  const menu = await harness.ask(users.support, "help");
  expect(visibleText(menu.body.blocks)).toContain("Act on a customer");
  const responseUrl = harness.slack.responseUrl();
  const { status } = await sendInteraction(
    harness,
    blockActionsPayload({
      userId: users.support,
      responseUrl,
      action: {
        action_id: "menu_pick",
        block_id: "menu",
        type: "static_select",
        selected_option: { value, text: { type: "plain_text", text: value } },
      },
    }),
  );
  expect(status).toBe(200);
  return { view: await harness.openedModal(), responseUrl };
}

describe("forms that start with the picker", () => {
  it("Manage balance from the menu: the picked customer's balance changes and the answer names them", async () => {
    const { view, responseUrl } = await menuChoice("balance");
    expect(view.callback_id).toBe("customer_balance_form");
    expect(JSON.stringify(view.blocks)).toContain('"type":"external_select"');
    const { status } = await submitWithPick(
      harness,
      users.support,
      view,
      { value: ana.customerId },
      { direction: "refill", amount: "2.50", reason: "goodwill" },
    );
    expect(status).toBe(200);
    const answer = await harness.slack.waitForResponse(responseUrl);
    expect(visibleText(answer.body.blocks)).toContain("Balance of *ana@acme.example*");
    expect((await moneyOf(harness, ana.customerId)).balance).toBe(1_250);
  });

  it("acts on the ID it re-read, not the text the option showed, and names that customer", async () => {
    const { view, responseUrl } = await menuChoice("balance");
    await submitWithPick(
      harness,
      users.support,
      view,
      { value: zed.customerId, text: `ana@acme.example · Acme Rockets · ${ana.customerId} · on` },
      { direction: "refill", amount: "1", reason: "forged label" },
    );
    const answer = await harness.slack.waitForResponse(responseUrl);
    expect(visibleText(answer.body.blocks)).toContain("zed@other.example");
    expect((await moneyOf(harness, zed.customerId)).balance).toBe(100);
  });

  it.each([
    ["an ID nobody has", "CUS-ZZZZZZZZ", "That customer no longer exists"],
    ["a malformed value", '{"$ne":null}', "Pick a customer from the list"],
    ["a lower-case ID", ana.customerId.toLowerCase(), "Pick a customer from the list"],
  ])(
    "a forged option (%s) is an error on the picker and changes nothing",
    async (_label, value, says) => {
      const before = await moneyOf(harness, ana.customerId);
      const { view } = await menuChoice("balance");
      const { json } = await submitWithPick(
        harness,
        users.support,
        view,
        { value },
        { direction: "refill", amount: "3", reason: "forged" },
      );
      expect(json).toMatchObject({ response_action: "errors" });
      expect((json as { errors: Record<string, string> }).errors.customer).toContain(says);
      expect(await moneyOf(harness, ana.customerId)).toEqual(before);
      expect(
        await harness.db.collection(collections.ledgerEntries).countDocuments({ reason: "forged" }),
      ).toBe(0);
    },
  );

  it("Set tag with the picker tags the picked customer", async () => {
    const { view, responseUrl } = await menuChoice("tag");
    await submitWithPick(harness, users.support, view, { value: bob.customerId }, { tag: "vip" });
    const answer = await harness.slack.waitForResponse(responseUrl);
    expect(visibleText(answer.body.blocks)).toContain("Tag of *bob@acme.example* set");
    const stored = await harness.db
      .collection(collections.customers)
      .findOne({ customerId: bob.customerId });
    expect(stored?.tag).toBe("vip");
  });

  it("Manage credits with the picker sends the picked customer's request for approval", async () => {
    const { view, responseUrl } = await menuChoice("credits");
    expect(visibleText(view.blocks)).toContain("credit pool");
    await submitWithPick(
      harness,
      users.support,
      view,
      { value: zed.customerId },
      { amount: "0.50", reason: "trial credit" },
    );
    const answer = await harness.slack.waitForResponse(responseUrl);
    expect(visibleText(answer.body.blocks)).toContain("zed@other.example");
    expect(
      await harness.db
        .collection(collections.approvals)
        .countDocuments({ customerId: zed.customerId, state: "pending" }),
    ).toBe(1);
  });

  it("Edit: picking a customer turns the modal into their edit form, prefilled, and saving edits them", async () => {
    const { view, responseUrl } = await menuChoice("edit");
    expect(view.callback_id).toBe("customer_pick_form");
    const { json } = await submitWithPick(harness, users.support, view, { value: zed.customerId });
    const next = (json as { response_action: string; view: SentView }).view;
    expect(json).toMatchObject({ response_action: "update" });
    expect(next.callback_id).toBe("customer_edit");
    expect(JSON.stringify(next.blocks)).toContain('"initial_value":"zed@other.example"');
    await harness.submitModal(users.support, next, {
      account: "zed@other.example",
      teamName: "Other Renamed",
      teamType: "individual",
      companyName: "",
    });
    const answer = await harness.slack.waitForResponse(responseUrl);
    expect(visibleText(answer.body.blocks)).toContain("Saved *zed@other.example*");
  });

  it("Disable: picking a customer disables them and says so privately", async () => {
    const { view, responseUrl } = await menuChoice("disable");
    const { json } = await submitWithPick(harness, users.support, view, { value: ana.customerId });
    expect(json).toBeUndefined();
    const answer = await harness.slack.waitForResponse(responseUrl);
    expect(visibleText(answer.body.blocks)).toContain("ana@acme.example");
    const stored = await harness.db
      .collection(collections.customers)
      .findOne({ customerId: ana.customerId });
    expect(stored?.status).toBe("off");
  });

  it("Billing details: a customer picked who no longer exists is an error on the picker", async () => {
    const { view } = await menuChoice("billing");
    const { json } = await submitWithPick(harness, users.support, view, { value: "CUS-ZZZZZZZY" });
    expect((json as { errors: Record<string, string> }).errors.customer).toContain(
      "no longer exists",
    );
  });
});
