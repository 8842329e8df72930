import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../../src/db/collections.js";
import { hashToken } from "../../../src/security/tokens.js";
import { type Harness, startHarness, users } from "../../support/app-harness.js";
import { buttonLabelled, visibleText } from "../../support/slack-blocks.js";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.stop());

function linkIn(blocks: unknown): { link: string; token: string } {
  const match = /```(https:\/\/console\.example\.test\/register\?invite=([A-Za-z0-9_-]+))```/.exec(
    visibleText(blocks),
  );
  if (!match?.[1] || !match[2]) throw new Error("no invite link shown");
  return { link: match[1], token: match[2] };
}

describe("invites", () => {
  it("/customer invite EMAIL gives a link bound to the email; only the token's hash is stored", async () => {
    const reply = await harness.ask(users.support, "invite Ana@Example.com");
    const { token } = linkIn(reply.body.blocks);
    expect(visibleText(reply.body.blocks)).toContain("for *ana@example.com* only");
    const stored = await harness.db
      .collection(collections.invites)
      .findOne({ email: "ana@example.com" });
    expect(stored).toMatchObject({
      tokenHash: hashToken(token),
      state: "open",
      createdBy: users.support,
    });
    expect(JSON.stringify(stored)).not.toContain(token);
    const expiresIn = Number(stored?.expiresAt) - Number(stored?.createdAt);
    expect(expiresIn).toBe(7 * 24 * 3600 * 1000);
  });

  it("a link works once, and only for its email", async () => {
    const reply = await harness.ask(users.support, "invite bound@example.com");
    const { token } = linkIn(reply.body.blocks);
    const invites = harness.bot.deps.invites;
    await expect(invites.redeem(token, "someone.else@example.com")).rejects.toThrow(/not valid/);
    await expect(invites.redeem(token, "bound@example.com")).resolves.toMatchObject({
      email: "bound@example.com",
    });
    await expect(invites.redeem(token, "bound@example.com")).rejects.toThrow(/not valid/);
  });

  it("an expired link does not work", async () => {
    const reply = await harness.ask(users.support, "invite");
    const { token } = linkIn(reply.body.blocks);
    await harness.db
      .collection(collections.invites)
      .updateOne(
        { tokenHash: hashToken(token) },
        { $set: { expiresAt: new Date(Date.now() - 1) } },
      );
    await expect(harness.bot.deps.invites.redeem(token, "anyone@example.com")).rejects.toThrow(
      /not valid/,
    );
  });

  it("open invites are listed and one can be revoked, after which its link no longer works", async () => {
    const reply = await harness.ask(users.support, "invite revoke.me@example.com");
    const { token } = linkIn(reply.body.blocks);
    const { responseUrl } = await harness.command(users.support, "invites");
    const list = await harness.slack.waitForResponse(responseUrl);
    expect(visibleText(list.body.blocks)).toContain("revoke.me@example.com");
    const revokeButtons = (list.body.blocks as { text?: { text?: string }; accessory?: unknown }[])
      .filter((block) => block.text?.text?.includes("revoke.me@example.com"))
      .map((block) => ({ blocks: [block] }));
    const revoke = buttonLabelled(revokeButtons[0]?.blocks, "Revoke");
    expect(revoke.confirm).toBeTruthy();
    const after = await harness.clickAndWait(users.support, revoke, { responseUrl });
    expect(visibleText(after.body.blocks)).toContain(
      "Revoked the invite for revoke.me@example.com",
    );
    expect(visibleText(after.body.blocks)).not.toContain("*revoke.me@example.com*");
    await expect(harness.bot.deps.invites.redeem(token, "revoke.me@example.com")).rejects.toThrow(
      /not valid/,
    );
    const again = await harness.clickAndWait(users.support, revoke, { responseUrl });
    expect(again.body.text).toContain("no longer open");
  });

  it("the Invite customer button opens a form; a bad email is shown on the field", async () => {
    const menu = await harness.ask(users.support, "help");
    const { responseUrl } = await harness.click(
      users.support,
      buttonLabelled(menu.body.blocks, "Invite customer"),
    );
    const view = await harness.openedModal();
    const refused = await harness.submitModal(users.support, view, { email: "nope" });
    expect(refused.json).toMatchObject({
      response_action: "errors",
      errors: { email: expect.stringContaining("email address") },
    });
    await harness.submitModal(users.support, view, { email: "" });
    const answer = await harness.slack.waitForResponse(responseUrl);
    expect(linkIn(answer.body.blocks).token).toHaveLength(43);
  });

  it("a retried /customer invite delivery creates no second invite", async () => {
    const before = await harness.db.collection(collections.invites).countDocuments();
    const { responseUrl } = await harness.command(users.support, "invite retry@example.com", {
      triggerId: "1111.2222.retrytrigger",
    });
    await harness.slack.waitForResponse(responseUrl);
    await harness.command(users.support, "invite retry@example.com", {
      triggerId: "1111.2222.retrytrigger",
      retryNum: 1,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await harness.db.collection(collections.invites).countDocuments()).toBe(before + 1);
  });
});
