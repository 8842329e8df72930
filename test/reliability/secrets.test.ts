/**
 * Issue #6 item 8: secrets stay where they belong. Every flow runs once with the logs captured at
 * debug level (and the audit channel on); then no generated password, invite token, bot token or
 * signing secret may appear in any log line, any stored document, or any channel post, and password
 * hashes may only be in customers.passwordHash and password_resets.passwordHash.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { verifyPassword } from "../../src/security/password.js";
import {
  botToken,
  type Harness,
  signingSecret,
  startHarness,
  users,
} from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { postedRequest } from "../support/money-helpers.js";
import type { RecordedResponse } from "../support/slack/fake-slack-api.js";
import { buttonLabelled } from "../support/slack-blocks.js";
import { recordScenario } from "./support/scenario-report.js";
import {
  inviteTokensIn,
  passwordsIn,
  type Secret,
  scanDocuments,
  secretsIn,
} from "./support/secrets-scan.js";

const auditChannel = "CAUDIT0001";
let harness: Harness;
const existing = aCustomer({ account: "existing.secrets@example.com" });
const cancelled = aCustomer({ account: "cancelled.reset@example.com" });

/** Everything the app said privately (response_url posts and modal acks), to harvest what it handed out. */
const answers: unknown[] = [];

async function said(userId: string, text: string): Promise<RecordedResponse> {
  const answer = await harness.ask(userId, text);
  answers.push(answer.body);
  return answer;
}

async function clicked(userId: string, blocks: unknown, label: string): Promise<RecordedResponse> {
  const button = buttonLabelled(blocks, label);
  const answer =
    label === "Approve"
      ? await harness.approve(userId, button, { comment: "checked the contract" })
      : await harness.clickAndWait(userId, button);
  answers.push(answer.body);
  return answer;
}

/** Submits the next modal the app opens; collects the ack (modal result) and the response_url answer. */
async function submitted(
  userId: string,
  values: Record<string, string>,
): Promise<{ json?: unknown; answer?: RecordedResponse }> {
  const view = await harness.openedModal();
  const { json } = await harness.submitModal(userId, view, values);
  answers.push(json);
  const metadata = JSON.parse(view.private_metadata ?? "{}") as { responseUrl?: string };
  if (!metadata.responseUrl) return { json };
  const answer = await harness.slack.waitForResponse(metadata.responseUrl, undefined, 5000);
  answers.push(answer.body);
  return { json, answer };
}

beforeAll(async () => {
  harness = await startHarness({ env: { AUDIT_CHANNEL_ID: auditChannel, LOG_LEVEL: "debug" } });
  await insertCustomers(harness.db, [existing, cancelled]);
});
afterAll(() => harness.stop());

describe("a full run of every flow leaks no secret", () => {
  it("creates, resets, invites, moves money, decides, and looks around", async () => {
    // Create through the command, and through App Home (result shown in the modal itself).
    await harness.command(users.support, "create");
    await submitted(users.support, {
      account: "fresh.secrets@example.com",
      teamName: "Fresh",
      teamType: "individual",
    });
    await harness.event({ type: "app_home_opened", user: users.support, tab: "home" });
    const home = await harness.slack.waitForCall(
      "views.publish",
      (call) => call.args.user_id === users.support,
    );
    const homeBlocks = (home.args.view as { blocks?: unknown }).blocks;
    await harness.clickInHome(users.support, buttonLabelled(homeBlocks, "New customer"));
    await submitted(users.support, {
      account: "home.created@example.com",
      teamName: "From Home",
      teamType: "enterprise",
      companyName: "Home Inc",
    });

    // Password reset: offer, generate another, confirm; and one offered then cancelled from the card.
    const offer = await said(users.support, `password ${existing.customerId}`);
    const another = await clicked(users.support, offer.body.blocks, "Generate another");
    await clicked(users.support, another.body.blocks, "Confirm new password");
    const card = await said(users.support, `show ${cancelled.customerId}`);
    const cardOffer = await clicked(users.support, card.body.blocks, "Reset password");
    await clicked(users.support, cardOffer.body.blocks, "Cancel");

    // Invites: any email, bound to one, and from App Home; then revoke one.
    await said(users.support, "invite");
    await said(users.support, "invite invited.secrets@example.com");
    await harness.clickInHome(users.support, buttonLabelled(homeBlocks, "Invite customer"));
    await submitted(users.support, { email: "home.invited@example.com" });
    const invites = await said(users.support, "invites");
    await clicked(users.support, invites.body.blocks, "Revoke");

    // Money: balance by command and form, credits approved, credits rejected, the pool.
    await said(users.admin, "pool set 500");
    await said(users.support, `balance ${existing.customerId} +120 wire 8812`);
    await harness.command(users.support, `balance ${existing.customerId}`);
    await submitted(users.support, { direction: "deduct", amount: "20", reason: "refund" });
    await said(users.support, `credits ${existing.customerId} 30 welcome`);
    const request = await postedRequest(harness, existing.account);
    await clicked(users.manager, request.args.blocks, "Approve");
    await said(users.support, `credits ${cancelled.customerId} 5 not this one`);
    const toReject = await postedRequest(harness, cancelled.account);
    await harness.click(users.manager, buttonLabelled(toReject.args.blocks, "Reject"));
    await submitted(users.manager, { reason: "not eligible" });

    // Looking around: history, billing, pool, approvals, list, tag, disable/enable, home of each role.
    for (const text of [
      `history ${existing.customerId}`,
      `billing ${existing.customerId}`,
      "pool",
      "approvals",
      "list",
      `tag ${existing.customerId} vip`,
      `disable ${cancelled.customerId}`,
      `enable ${cancelled.customerId}`,
    ])
      await said(users.support, text);
    for (const user of [users.admin, users.manager, users.support])
      await harness.event({ type: "app_home_opened", user, tab: "home" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(harness.slack.limitViolations).toEqual([]);
  });

  it("no password, invite token, bot token or signing secret in any log line, document or channel post; hashes only where they belong", async () => {
    const everything = JSON.stringify(answers);
    const passwords = [...new Set(passwordsIn(everything))];
    const tokens = [...new Set(inviteTokensIn(everything))];
    const secrets: Secret[] = [
      ...passwords.map((value, i) => ({ label: `generated password #${i + 1}`, value })),
      ...tokens.map((value, i) => ({ label: `invite token #${i + 1}`, value })),
      { label: "the bot token", value: botToken },
      { label: "the bot token's secret part", value: botToken.split("-").at(-1) ?? botToken },
      { label: "the signing secret", value: signingSecret },
    ];

    // The harvest is real: the confirmed password is the customer's, and every link has a token.
    const customer = await harness.db
      .collection(collections.customers)
      .findOne({ customerId: existing.customerId });
    const confirmed = await Promise.all(
      passwords.map((password) => verifyPassword(password, String(customer?.passwordHash))),
    );

    const logFindings = harness.logLines.flatMap((line, i) =>
      secretsIn(line, secrets).map((label) => `log line ${i}: ${label}`),
    );
    const hashesInLogs = harness.logLines.filter((line) => line.includes("$scrypt$")).length;
    const documents = await scanDocuments(harness.db, secrets, [
      "customers.passwordHash",
      "password_resets.passwordHash",
    ]);
    const channelPosts = harness.slack
      .callsTo("chat.postMessage")
      .filter(
        (call) =>
          call.args.channel === auditChannel ||
          call.args.channel === harness.config.approvalsChannelId,
      );
    const channelFindings = channelPosts.flatMap((call) =>
      secretsIn(JSON.stringify(call.args), secrets).map(
        (label) => `${call.args.channel}: ${label}`,
      ),
    );
    // Passwords and links only ever go to the person who asked, in an ephemeral answer or the modal.
    const handedOut = secrets.filter((secret) => /password|invite/.test(secret.label));
    const webApiFindings = harness.slack.calls.flatMap((call) =>
      secretsIn(JSON.stringify(call.args), handedOut).map((label) => `${call.method}: ${label}`),
    );

    const pass =
      passwords.length === 5 &&
      tokens.length === 3 &&
      confirmed.filter(Boolean).length === 1 &&
      harness.logLines.length > 100 &&
      logFindings.length === 0 &&
      hashesInLogs === 0 &&
      documents.findings.length === 0 &&
      documents.hashes.some((path) => path === "customers.passwordHash") &&
      documents.hashes.some((path) => path === "password_resets.passwordHash") &&
      channelPosts.length > 0 &&
      channelFindings.length === 0 &&
      webApiFindings.length === 0;
    recordScenario({
      scenario: "secrets / every flow: logs, stored documents and channel posts",
      attempts: harness.logLines.length + documents.documents + channelPosts.length,
      expected:
        "5 generated passwords and 3 invite tokens harvested from the answers (one confirmed as the customer's); none of them, nor the bot token or signing secret, in any log line (debug), document or channel post; no password or invite token in any Web API call; password hashes only in customers.passwordHash and password_resets.passwordHash",
      observed: `${passwords.length} passwords (${confirmed.filter(Boolean).length} matches the stored hash), ${tokens.length} invite tokens; ${harness.logLines.length} log lines: ${logFindings.length ? logFindings.slice(0, 10).join("; ") : "clean"}, ${hashesInLogs} with a hash; ${documents.documents} documents: ${documents.findings.map((finding) => `${finding.what} in ${finding.where}`).join("; ") || "clean"}, hashes in [${[...new Set(documents.hashes)].join(", ")}]; ${channelPosts.length} channel posts: ${channelFindings.join("; ") || "clean"}; ${harness.slack.calls.length} Web API calls: ${webApiFindings.join("; ") || "none carried a password or invite token"}`,
      pass,
    });
  });
});
