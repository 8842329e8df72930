import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness, users } from "../../support/app-harness.js";
import { aCustomer, insertCustomers } from "../../support/customer-fixtures.js";
import { allButtons, buttonLabelled, visibleText } from "../../support/slack-blocks.js";

let harness: Harness;
const customer = aCustomer({ account: "history@example.com", teamName: "Before" });

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [customer]);
});
afterAll(() => harness.stop());

describe("customer history", () => {
  it("shows who did what, before → after, newest first, refused attempts included, paginated", async () => {
    const ref = customer.customerId;
    await harness.ask(users.support, `tag ${ref} vip`);
    await harness.ask(users.support, `balance ${ref} +10 first refill`);
    await harness.ask(users.support, `balance ${ref} -25 too much`);
    await harness.ask(users.manager, `disable ${ref}`);
    for (let i = 0; i < 8; i += 1)
      await harness.ask(users.support, `balance ${ref} +1 top-up ${i}`);
    await harness.ask(users.support, `enable ${ref}`);

    const { responseUrl } = await harness.command(users.support, `history ${ref}`);
    const first = await harness.slack.waitForResponse(responseUrl);
    const firstText = visibleText(first.body.blocks);
    expect(firstText).toContain("newest first · page 1");
    const lines = (first.body.blocks as { type: string; text?: { text: string } }[])
      .filter((b) => b.type === "section")
      .map((b) => b.text?.text ?? "");
    expect(lines[0]).toContain(
      `<@${users.support}> enabled *history@example.com*: status \`off\` → \`on\``,
    );
    expect(lines[1]).toContain(
      "refilled the balance of *history@example.com*: balance $17.00 → $18.00",
    );
    expect(firstText).toContain(
      `<@${users.manager}> disabled *history@example.com*: status \`on\` → \`off\``,
    );
    expect(allButtons(first.body.blocks).map((b) => b.text)).toEqual(["Next"]);

    const second = await harness.clickAndWait(
      users.support,
      buttonLabelled(first.body.blocks, "Next"),
      { responseUrl },
    );
    const secondText = visibleText(second.body.blocks);
    expect(second.body.replace_original).toBe(true);
    expect(secondText).toContain("page 2");
    expect(allButtons(second.body.blocks).map((b) => b.text)).toEqual(["Previous"]);
    expect(secondText).toContain(
      "deducted from the balance of *history@example.com* :no_entry: _refused_",
    );
    expect(secondText).toContain("changed the tag of *history@example.com*: tag — → `vip`");
    expect(secondText).not.toMatch(/passwordHash|\$scrypt/);

    const back = await harness.clickAndWait(
      users.support,
      buttonLabelled(second.body.blocks, "Previous"),
      { responseUrl },
    );
    expect(back.body.blocks).toEqual(first.body.blocks);
  });

  it("the card's History button opens the same trail", async () => {
    const card = await harness.ask(users.support, `show ${customer.customerId}`);
    const history = await harness.clickAndWait(
      users.support,
      buttonLabelled(card.body.blocks, "History"),
    );
    expect(visibleText(history.body.blocks)).toContain("History · history@example.com");
  });

  it("a tampered page button is refused with a message", async () => {
    const reply = await harness.clickAndWait(users.support, {
      action_id: "history_page:next",
      value: '{"c":"CUS-22222222","p":"1; drop"}',
      text: "Next",
    });
    expect(reply.body.text).toContain("That page button is not valid");
  });

  it("a Next whose cursor was moved to another customer, or to another time, is refused and shows nothing of either", async () => {
    const other = aCustomer({ account: "other-history@example.com" });
    await insertCustomers(harness.db, [other]);
    const first = await harness.ask(users.support, `history ${customer.customerId}`);
    const next = buttonLabelled(first.body.blocks, "Next");
    const value = JSON.parse(String(next.value));
    for (const forged of [
      { ...value, c: other.customerId },
      { ...value, a: value.a - 1 },
      { ...value, d: "n", i: "f".repeat(24) },
    ]) {
      const reply = await harness.clickAndWait(users.support, {
        ...next,
        value: JSON.stringify(forged),
      });
      expect(reply.body.text).toContain(
        "That page button is not valid. Run `/customer history REF` again to start over.",
      );
      expect(JSON.stringify(reply.body.blocks ?? [])).not.toMatch(/history@example\.com|History ·/);
    }
  });
});
