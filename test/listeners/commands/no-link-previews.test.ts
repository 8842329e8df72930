import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness, users } from "../../support/app-harness.js";
import { aCustomer, insertCustomers } from "../../support/customer-fixtures.js";
import { postedRequest } from "../../support/money-helpers.js";
import { buttonLabelled } from "../../support/slack-blocks.js";

let harness: Harness;
const auditChannel = "CAUDITPRV1";
const customer = aCustomer({ account: "previews@acme.example" });

beforeAll(async () => {
  harness = await startHarness({ env: { AUDIT_CHANNEL_ID: auditChannel } });
  await insertCustomers(harness.db, [customer]);
});
afterAll(() => harness.stop());

/** WebClient sends booleans in a form body as text; a response_url body is JSON. */
const isFalse = (value: unknown) => value === false || value === "false";

describe("no link previews (money stays private)", () => {
  it("every message the bot posts or updates, and every response_url answer, turns link and media previews off", async () => {
    const responseUrls: string[] = [];
    const ask = async (userId: string, text: string) => {
      const { responseUrl } = await harness.command(userId, text);
      responseUrls.push(responseUrl);
      return harness.slack.waitForResponse(responseUrl, undefined, 10_000);
    };

    await ask(users.admin, "pool set 70");
    // A registration link to the console in the answer: the kind of link a preview would expand.
    await ask(users.support, "invite ana@acme.example");
    await ask(users.support, `show ${customer.customerId}`);
    await ask(users.support, `link ${customer.customerId}`);
    await ask(users.support, `credits ${customer.customerId} 20 welcome bonus`);
    const posted = await postedRequest(harness, customer.account);
    const approved = await harness.approve(
      users.manager,
      buttonLabelled(posted.args.blocks, "Approve"),
    );
    expect(String(approved.body.text)).toContain("Approved");
    await harness.outboxDelivered();

    const posts = harness.slack.callsTo("chat.postMessage");
    const updates = harness.slack.callsTo("chat.update");
    // The approval post, the audit lines, and the requester's direct message were all posted…
    expect(posts.some((call) => call.args.channel === harness.config.approvalsChannelId)).toBe(
      true,
    );
    const auditLines = posts.filter((call) => call.args.channel === auditChannel);
    expect(auditLines.map((call) => String(call.args.text)).join("\n")).toContain(
      `<@${users.support}> linked a channel to *previews@acme.example* (<#C0TEST>): customerId \`${customer.customerId}\``,
    );
    expect(posts.some((call) => call.args.channel === users.support)).toBe(true);
    // …and the decision updated the approval message in place.
    expect(updates.length).toBeGreaterThan(0);
    for (const call of [...posts, ...updates]) {
      expect(isFalse(call.args.unfurl_links), `${call.method} to ${call.args.channel}`).toBe(true);
      expect(isFalse(call.args.unfurl_media), `${call.method} to ${call.args.channel}`).toBe(true);
    }

    const answers = [...responseUrls, approved.path].flatMap((url) =>
      harness.slack.responsesTo(url),
    );
    expect(answers.length).toBeGreaterThanOrEqual(responseUrls.length + 1);
    for (const answer of answers) {
      expect(answer.body.unfurl_links, answer.path).toBe(false);
      expect(answer.body.unfurl_media, answer.path).toBe(false);
    }
  });

  it("the app subscribes to no link events and asks for no scope to unfurl links", () => {
    const manifest = readFileSync(new URL("../../../manifest.yml", import.meta.url), "utf8");
    expect(manifest).not.toMatch(/link_shared|links:read|links:write|unfurl_domains/);
  });
});
