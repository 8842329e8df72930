import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../../src/db/collections.js";
import { type Harness, startHarness, users } from "../../support/app-harness.js";
import { aCustomer, insertCustomers } from "../../support/customer-fixtures.js";
import { buttonLabelled, visibleText } from "../../support/slack-blocks.js";

let harness: Harness;
const existing = aCustomer({
  account: "taken@example.com",
  teamName: "Taken",
  teamType: "individual",
  tag: "trial",
});

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [existing]);
});
afterAll(() => harness.stop());

const customers = () => harness.db.collection(collections.customers);
const audit = () => harness.db.collection(collections.auditEvents);

async function openCreateForm() {
  const { responseUrl } = await harness.command(users.support, "create");
  const view = await harness.openedModal();
  return { responseUrl, view };
}

describe("create", () => {
  it("creates a customer from the form and shows its initial password once, privately", async () => {
    const { responseUrl, view } = await openCreateForm();
    expect(view.callback_id).toBe("customer_create");
    const { status, json } = await harness.submitModal(users.support, view, {
      account: " New.Person@Example.com ",
      teamName: "New Team",
      teamType: "enterprise",
      companyName: "Newco",
      tag: "vip",
    });
    expect(status).toBe(200);
    expect(json).toBeUndefined();
    const answer = await harness.slack.waitForResponse(responseUrl);
    expect(answer.body.response_type).toBe("ephemeral");
    const text = visibleText(answer.body.blocks);
    expect(text).toContain("Created *new.person@example.com*");
    expect(text).toMatch(/```[A-Za-z0-9!#%+=?@]{20}```/);
    const stored = await customers().findOne({ account: "new.person@example.com" });
    expect(stored).toMatchObject({
      teamName: "New Team",
      teamType: "enterprise",
      companyName: "Newco",
      tag: "vip",
      status: "on",
      balance: 0,
      credits: 0,
    });
    expect(stored?.customerId).toMatch(/^CUS-[2-9A-HJKMNP-Z]{8}$/);
    expect(
      await audit().findOne({
        action: "customer.create",
        "target.account": "new.person@example.com",
      }),
    ).toMatchObject({ actorId: users.support, outcome: "done" });
  });

  it.each([
    [{ account: "taken@example.com" }, "account", "taken@example.com already exists"],
    [{ account: "not an email" }, "account", "Account must be an email address"],
    [{ companyName: "" }, "companyName", "Company name is required for an enterprise team"],
    [{ teamType: "individual" }, "companyName", "Only enterprise teams have a company name"],
    [{ teamName: "x".repeat(81) }, "teamName", "the most is 80"],
    [{ tag: "Not A Tag" }, "tag", "Not a valid tag"],
  ])("shows %j on the %s field and changes nothing", async (change, field, message) => {
    const before = await customers().countDocuments();
    const { view } = await openCreateForm();
    const { json } = await harness.submitModal(users.support, view, {
      account: "fresh@example.com",
      teamName: "Fresh",
      teamType: "enterprise",
      companyName: "Freshco",
      ...change,
    });
    expect(json).toMatchObject({
      response_action: "errors",
      errors: { [field]: expect.stringContaining(message) },
    });
    expect(await customers().countDocuments()).toBe(before);
  });

  it("a double submit of the same form creates one customer", async () => {
    const { view } = await openCreateForm();
    const values = { account: "twice@example.com", teamName: "Twice", teamType: "individual" };
    const [first, second] = await Promise.all([
      harness.submitModal(users.support, view, values, { viewId: "VDOUBLE1" }),
      harness.submitModal(users.support, view, values, { viewId: "VDOUBLE1" }),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await customers().countDocuments({ account: "twice@example.com" })).toBe(1);
  });

  it("a repeated submit is answered with the customer the first one created, not an account conflict", async () => {
    const { responseUrl, view } = await openCreateForm();
    const values = { account: "again@example.com", teamName: "Again", teamType: "individual" };
    await harness.submitModal(users.support, view, values, { viewId: "VAGAIN01" });
    await harness.slack.waitForResponse(responseUrl);
    await harness.submitModal(users.support, view, values, { viewId: "VAGAIN01" });
    await expect.poll(() => harness.slack.responsesTo(responseUrl).length).toBe(2);
    const repeat = visibleText(harness.slack.responsesTo(responseUrl)[1]?.body.blocks ?? []);
    const created = await customers().findOne({ account: "again@example.com" });
    expect(repeat).toContain(`it created *again@example.com* (${created?.customerId})`);
    expect(repeat).toContain("Nothing more was done");
    expect(repeat).not.toMatch(/```/);
  });
});

describe("edit", () => {
  it("the card's Edit opens a prefilled form; saving shows what changed", async () => {
    const card = await harness.ask(users.support, `show ${existing.customerId}`);
    const { responseUrl } = await harness.click(
      users.support,
      buttonLabelled(card.body.blocks, "Edit"),
    );
    const view = await harness.openedModal();
    expect(JSON.stringify(view.blocks)).toContain('"initial_value":"taken@example.com"');
    await harness.submitModal(users.support, view, {
      account: "taken@example.com",
      teamName: "Renamed Team",
      teamType: "enterprise",
      companyName: "Takenco",
    });
    const answer = await harness.slack.waitForResponse(responseUrl);
    const text = visibleText(answer.body.blocks);
    expect(text).toContain("Team name: `Taken` → `Renamed Team`");
    expect(text).toContain("Team type: `individual` → `enterprise`");
    expect(await customers().findOne({ customerId: existing.customerId })).toMatchObject({
      teamName: "Renamed Team",
      teamType: "enterprise",
      companyName: "Takenco",
    });
    expect(
      await audit().findOne({ action: "customer.edit", "target.customerId": existing.customerId }),
    ).toMatchObject({
      before: { teamName: "Taken", teamType: "individual", companyName: null },
      after: { teamName: "Renamed Team", teamType: "enterprise", companyName: "Takenco" },
    });
  });

  it("refuses to overwrite a change someone made after the form was opened", async () => {
    const { view } = await (async () => {
      await harness.command(users.support, `edit ${existing.customerId}`);
      return { view: await harness.openedModal() };
    })();
    await customers().updateOne(
      { customerId: existing.customerId },
      { $set: { teamName: "Changed Elsewhere", updatedAt: new Date() } },
    );
    const { json } = await harness.submitModal(users.support, view, {
      account: "taken@example.com",
      teamName: "Mine",
      teamType: "enterprise",
      companyName: "Takenco",
    });
    expect(JSON.stringify(json)).toContain(
      "Someone changed this customer after you opened the form",
    );
    expect(await customers().findOne({ customerId: existing.customerId })).toMatchObject({
      teamName: "Changed Elsewhere",
    });
  });
});

describe("tag", () => {
  it("/customer tag REF TAG sets it, none clears it, and a bad tag says what is allowed", async () => {
    const set = await harness.ask(users.support, `tag ${existing.customerId} gold-tier`);
    expect(visibleText(set.body.blocks)).toContain("Tag: `trial` → `gold-tier`");
    const bad = await harness.ask(users.support, `tag ${existing.customerId} Gold!`);
    expect(bad.body.text).toContain("not a valid tag");
    const cleared = await harness.ask(users.support, `tag ${existing.customerId} none`);
    expect(visibleText(cleared.body.blocks)).toContain("Tag: `gold-tier` → —");
    expect(await customers().findOne({ customerId: existing.customerId })).toMatchObject({
      tag: null,
    });
  });

  it("the card's Set tag opens a form; an invalid tag is shown on the field", async () => {
    const card = await harness.ask(users.support, `show ${existing.customerId}`);
    const { responseUrl } = await harness.click(
      users.support,
      buttonLabelled(card.body.blocks, "Set tag"),
    );
    const view = await harness.openedModal();
    const refused = await harness.submitModal(users.support, view, { tag: "has space" });
    expect(refused.json).toMatchObject({
      response_action: "errors",
      errors: { tag: expect.stringContaining("Not a valid tag") },
    });
    await harness.submitModal(users.support, view, { tag: "partner" });
    const answer = await harness.slack.waitForResponse(responseUrl);
    expect(visibleText(answer.body.blocks)).toContain("`partner`");
  });
});

describe("enable and disable", () => {
  it("Disable on the card carries a confirm dialog and says the customer can no longer log in", async () => {
    const card = await harness.ask(users.support, `show ${existing.customerId}`);
    const disable = buttonLabelled(card.body.blocks, "Disable");
    expect(disable.confirm).toBeTruthy();
    const answer = await harness.clickAndWait(users.support, disable);
    expect(answer.body.replace_original).toBe(true);
    expect(visibleText(answer.body.blocks)).toContain("can no longer log in to the console");
    expect(await customers().findOne({ customerId: existing.customerId })).toMatchObject({
      status: "off",
    });
    const enabled = await harness.ask(users.support, `enable ${existing.customerId}`);
    expect(visibleText(enabled.body.blocks)).toContain("they can log in to the console");
    const again = await harness.ask(users.support, `enable ${existing.customerId}`);
    expect(visibleText(again.body.blocks)).toContain("Nothing changed");
    expect(
      await audit().countDocuments({
        "target.customerId": existing.customerId,
        action: { $in: ["customer.enable", "customer.disable"] },
      }),
    ).toBe(2);
  });
});
