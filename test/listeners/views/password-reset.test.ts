import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../../src/db/collections.js";
import { verifyPassword } from "../../../src/security/password.js";
import { type Harness, startHarness, users } from "../../support/app-harness.js";
import { aCustomer, insertCustomers } from "../../support/customer-fixtures.js";
import { allButtons, buttonLabelled, visibleText } from "../../support/slack-blocks.js";

let harness: Harness;
const customer = aCustomer({ account: "reset.me@example.com" });

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [customer]);
});
afterAll(() => harness.stop());

function passwordIn(blocks: unknown): string {
  const match = /```([^`]+)```/.exec(visibleText(blocks));
  if (!match?.[1]) throw new Error("no password shown");
  return match[1];
}

async function everyStoredDocument(): Promise<string> {
  const dump: unknown[] = [];
  for (const { name } of await harness.db.listCollections().toArray()) {
    dump.push(...(await harness.db.collection(name).find({}).toArray()));
  }
  return JSON.stringify(dump);
}

/** Everything the password could have leaked into: logs, every collection, every Slack call and answer. */
async function placesContaining(password: string) {
  const responses = harness.slack.calls.length >= 0 ? harnessResponses() : [];
  return {
    logLines: harness.logLines.filter((line) => line.includes(password)).length,
    documents: (await everyStoredDocument()).includes(password),
    apiCalls: harness.slack.calls.filter((call) => JSON.stringify(call.args).includes(password))
      .length,
    responses: responses.filter((response) => JSON.stringify(response).includes(password)).length,
    buttonValues: responses
      .flatMap((response) => allButtons((response as { body: { blocks?: unknown } }).body.blocks))
      .filter((button) => button.value?.includes(password)).length,
  };
}

const responseUrls: string[] = [];
function harnessResponses() {
  return responseUrls.flatMap((url) => harness.slack.responsesTo(url));
}

describe("reset password", () => {
  it("offers a password that changes nothing until Confirm, then replaces the message and stores only a hash", async () => {
    const card = await harness.ask(users.support, `show ${customer.customerId}`);
    const { responseUrl } = await harness.click(
      users.support,
      buttonLabelled(card.body.blocks, "Reset password"),
    );
    responseUrls.push(responseUrl);
    const offer = await harness.slack.waitForResponse(responseUrl);
    const password = passwordIn(offer.body.blocks);
    expect(password).toHaveLength(20);
    expect(allButtons(offer.body.blocks).map((b) => b.text)).toEqual([
      "Confirm new password",
      "Generate another",
      "Cancel",
    ]);
    expect(
      await harness.db
        .collection(collections.customers)
        .findOne({ customerId: customer.customerId }),
    ).not.toHaveProperty("passwordHash");

    const confirmed = await harness.clickAndWait(
      users.support,
      buttonLabelled(offer.body.blocks, "Confirm new password"),
      { responseUrl },
    );
    expect(confirmed.body.replace_original).toBe(true);
    expect(visibleText(confirmed.body.blocks)).toContain("is active");
    expect(JSON.stringify(confirmed.body)).not.toContain(password);

    const stored = await harness.db
      .collection(collections.customers)
      .findOne({ customerId: customer.customerId });
    expect(await verifyPassword(password, String(stored?.passwordHash))).toBe(true);
    expect(
      await harness.db
        .collection(collections.auditEvents)
        .findOne({ action: "customer.password.reset" }),
    ).toMatchObject({ actorId: users.support });

    expect(await placesContaining(password)).toEqual({
      logLines: 0,
      documents: false,
      apiCalls: 0,
      responses: 1,
      buttonValues: 0,
    });
  });

  it("a second Confirm click changes nothing more and says so", async () => {
    const { responseUrl } = await harness.command(users.support, `password ${customer.customerId}`);
    const offer = await harness.slack.waitForResponse(responseUrl);
    const confirm = buttonLabelled(offer.body.blocks, "Confirm new password");
    await harness.clickAndWait(users.support, confirm, { responseUrl });
    const again = await harness.clickAndWait(users.support, confirm, { responseUrl });
    expect(again.body.text).toContain("already confirmed");
    expect(
      await harness.db
        .collection(collections.auditEvents)
        .countDocuments({ action: "customer.password.reset" }),
    ).toBe(2);
  });

  it("Generate another replaces the password; the first can no longer be confirmed; Cancel changes nothing", async () => {
    const { responseUrl } = await harness.command(users.support, `password ${customer.customerId}`);
    const first = await harness.slack.waitForResponse(responseUrl);
    const second = await harness.clickAndWait(
      users.support,
      buttonLabelled(first.body.blocks, "Generate another"),
      { responseUrl },
    );
    expect(passwordIn(second.body.blocks)).not.toBe(passwordIn(first.body.blocks));
    const stale = await harness.clickAndWait(
      users.support,
      buttonLabelled(first.body.blocks, "Confirm new password"),
      { responseUrl },
    );
    expect(stale.body.text).toContain("replaced by a newer one");
    const hashBefore = (
      await harness.db
        .collection(collections.customers)
        .findOne({ customerId: customer.customerId })
    )?.passwordHash;
    const cancelled = await harness.clickAndWait(
      users.support,
      buttonLabelled(second.body.blocks, "Cancel"),
      { responseUrl },
    );
    expect(visibleText(cancelled.body.blocks)).toContain("cancelled");
    expect(
      (
        await harness.db
          .collection(collections.customers)
          .findOne({ customerId: customer.customerId })
      )?.passwordHash,
    ).toBe(hashBefore);
  });

  it("a newer password retires every older one for the customer: a later Confirm on an older message changes nothing", async () => {
    const offerBy = async (userId: string) => {
      const { responseUrl } = await harness.command(userId, `password ${customer.customerId}`);
      return { responseUrl, offer: await harness.slack.waitForResponse(responseUrl) };
    };
    const older = await offerBy(users.support);
    const newer = await offerBy(users.admin);
    await harness.clickAndWait(
      users.admin,
      buttonLabelled(newer.offer.body.blocks, "Confirm new password"),
      { responseUrl: newer.responseUrl },
    );
    const stored = async () =>
      String(
        (
          await harness.db
            .collection(collections.customers)
            .findOne({ customerId: customer.customerId })
        )?.passwordHash,
      );
    const confirmedHash = await stored();
    expect(await verifyPassword(passwordIn(newer.offer.body.blocks), confirmedHash)).toBe(true);

    const late = await harness.clickAndWait(
      users.support,
      buttonLabelled(older.offer.body.blocks, "Confirm new password"),
      { responseUrl: older.responseUrl },
    );
    expect(late.body.text).toContain("replaced by a newer one");
    expect(await stored()).toBe(confirmedHash);
    expect(
      await harness.db
        .collection(collections.passwordResets)
        .countDocuments({ customerId: customer.customerId, state: "pending" }),
    ).toBe(0);
    expect(
      await harness.db.collection(collections.auditEvents).findOne({
        action: "customer.password.offer",
        actorId: users.admin,
        "target.customerId": customer.customerId,
      }),
    ).toMatchObject({ detail: expect.stringContaining("1 earlier one retired") });
  });

  it("only the person who generated a password can confirm it", async () => {
    const { responseUrl } = await harness.command(users.support, `password ${customer.customerId}`);
    const offer = await harness.slack.waitForResponse(responseUrl);
    const reply = await harness.clickAndWait(
      users.manager,
      buttonLabelled(offer.body.blocks, "Confirm new password"),
    );
    expect(reply.body.text).toContain("Only the person who generated this password");
  });

  it("Confirm after the password expired fails and changes nothing", async () => {
    const { responseUrl } = await harness.command(users.support, `password ${customer.customerId}`);
    const offer = await harness.slack.waitForResponse(responseUrl);
    await harness.db
      .collection(collections.passwordResets)
      .updateMany({ state: "pending" }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const hashBefore = (
      await harness.db
        .collection(collections.customers)
        .findOne({ customerId: customer.customerId })
    )?.passwordHash;
    const reply = await harness.clickAndWait(
      users.support,
      buttonLabelled(offer.body.blocks, "Confirm new password"),
      { responseUrl },
    );
    expect(reply.body.text).toContain("expired before it was confirmed");
    expect(
      (
        await harness.db
          .collection(collections.customers)
          .findOne({ customerId: customer.customerId })
      )?.passwordHash,
    ).toBe(hashBefore);
  });

  it("the initial password of a created customer appears only in the one answer, never in logs, documents or buttons", async () => {
    const { responseUrl } = await harness.command(users.support, "create");
    responseUrls.push(responseUrl);
    const view = await harness.openedModal();
    await harness.submitModal(users.support, view, {
      account: "created.secret@example.com",
      teamName: "Secretive",
      teamType: "default",
    });
    const answer = await harness.slack.waitForResponse(responseUrl);
    const password = passwordIn(answer.body.blocks);
    const stored = await harness.db
      .collection(collections.customers)
      .findOne({ account: "created.secret@example.com" });
    expect(await verifyPassword(password, String(stored?.passwordHash))).toBe(true);
    expect(await placesContaining(password)).toEqual({
      logLines: 0,
      documents: false,
      apiCalls: 0,
      responses: 1,
      buttonValues: 0,
    });
  });
});
