/**
 * The Slack message a change was asked from (its permalink, which the message shortcut passes to the
 * money service): checked at the service boundary, kept on the request, the ledger entry and the
 * audit record, and shown to approvers and in history and billing as "from this conversation".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/auth/actor.js";
import { collections } from "../../src/db/collections.js";
import { isAppError } from "../../src/errors/app-error.js";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { moneyOf, postedRequest } from "../support/money-helpers.js";
import { buttonLabelled, visibleText } from "../support/slack-blocks.js";

let harness: Harness;
const credited = aCustomer({ account: "from.thread@example.com" });
const refilled = aCustomer({ account: "direct.refill@example.com" });
const large = aCustomer({ account: "large.refill@example.com" });
const plain = aCustomer({ account: "no.thread@example.com" });
const refused = aCustomer({ account: "bad.link@example.com", balance: 5000 });

const support: Actor = { userId: users.support, role: "support" };
const manager: Actor = { userId: users.manager, role: "manager" };
const permalink =
  "https://acme.slack.com/archives/C0123ABCD/p1700000000000100?thread_ts=1700000000.000050&cid=C0123ABCD";
/** How it reads in mrkdwn: `&` escaped, the label after the bar. */
const shownLink = `:speech_balloon: <https://acme.slack.com/archives/C0123ABCD/p1700000000000100?thread_ts=1700000000.000050&amp;cid=C0123ABCD|from this conversation>`;
let keys = 0;
function key(): string {
  keys += 1;
  return `test:permalink:${keys}`;
}

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [credited, refilled, large, plain, refused]);
  await harness.ask(users.admin, "pool set 100");
});
afterAll(() => harness.stop());

async function answerTo(text: string) {
  return visibleText((await harness.ask(users.support, text)).body.blocks);
}

describe("a change asked from a Slack message", () => {
  it("a credits request shows “from this conversation” to approvers, and in history and billing once approved", async () => {
    await harness.bot.deps.money.requestCredits(
      credited.customerId,
      1500,
      "asked in the thread",
      support,
      key(),
      { sourcePermalink: permalink },
    );
    const posted = await postedRequest(harness, credited.account);
    expect(visibleText(posted.args.blocks)).toContain(shownLink);
    await harness.approve(users.manager, buttonLabelled(posted.args.blocks, "Approve"));
    expect((await moneyOf(harness, credited.customerId)).credits).toBe(1500);

    const history = await answerTo(`history ${credited.customerId}`);
    const linked = history.split("\n").filter((line) => line.endsWith(shownLink));
    expect(linked.map((line) => line.match(/<@\w+> ([a-z ]+) \*/)?.[1])).toEqual([
      "granted credits to",
      "asked to change the credits of",
    ]);
    const billing = await answerTo(`billing ${credited.customerId}`);
    expect(billing).toContain(`Reason: asked in the thread\n${shownLink}`);
    const entry = await harness.db
      .collection(collections.ledgerEntries)
      .findOne({ customerId: credited.customerId });
    expect(entry?.sourcePermalink).toBe(permalink);
  });

  it("a direct balance change keeps the link on its ledger entry; one above the limit shows it on the request", async () => {
    await harness.bot.deps.money.changeBalance(
      refilled.customerId,
      500,
      "refund from the thread",
      manager,
      key(),
      { sourcePermalink: permalink },
    );
    expect(await answerTo(`billing ${refilled.customerId}`)).toContain(shownLink);
    expect(await answerTo(`history ${refilled.customerId}`)).toContain(
      `refilled the balance of *${refilled.account}*: balance $0.00 → $5.00 — _refund from the thread_ · ${shownLink}`,
    );

    await harness.bot.deps.money.changeBalance(
      large.customerId,
      100_000,
      "large refund",
      support,
      key(),
      { sourcePermalink: permalink },
    );
    const posted = await postedRequest(harness, large.account);
    expect(visibleText(posted.args.blocks)).toContain(shownLink);
  });

  it("a change asked without a message shows no link", async () => {
    await harness.ask(users.support, `credits ${plain.customerId} 1 no thread`);
    const posted = await postedRequest(harness, plain.account);
    expect(visibleText(posted.args.blocks)).not.toContain("from this conversation");
    await harness.ask(users.support, `balance ${plain.customerId} +1 no thread`);
    expect(await answerTo(`billing ${plain.customerId}`)).not.toContain("from this conversation");
    expect(await answerTo(`history ${plain.customerId}`)).not.toContain("from this conversation");
  });

  it("a link that is not a Slack message permalink is refused at the boundary and nothing is stored", async () => {
    const bad = [
      "http://acme.slack.com/archives/C0123ABCD/p1700000000000100",
      "javascript:alert(1)//acme.slack.com",
      "https://acme.slack.com.evil.example/archives/C1/p1",
      "https://evilslack.com/archives/C1/p1",
      "https://user:pass@acme.slack.com/archives/C1/p1",
      "https://acme.slack.com:8443/archives/C1/p1",
      "https://acme.slack.com/archives/C1/p1|<!channel>",
      "https://acme.slack.com/archives/C1/p1\n<!channel>",
      " https://acme.slack.com/archives/C1/p1",
      "https://ACME.slack.com/archives/C1/p1",
      `https://acme.slack.com/archives/C1/p${"1".repeat(480)}`,
      "",
    ];
    const attempts = bad.flatMap((sourcePermalink) => [
      harness.bot.deps.money.changeBalance(refused.customerId, 100, "x", manager, key(), {
        sourcePermalink,
      }),
      harness.bot.deps.money.changeBalance(refused.customerId, -100_000, "x", support, key(), {
        sourcePermalink,
      }),
      harness.bot.deps.money.requestCredits(refused.customerId, 100, "x", support, key(), {
        sourcePermalink,
      }),
    ]);

    const outcomes = await Promise.allSettled(attempts);

    for (const outcome of outcomes) {
      expect(outcome.status).toBe("rejected");
      const error = outcome.status === "rejected" ? outcome.reason : undefined;
      expect(isAppError(error) && error.code).toBe("invalid_input");
      expect(String(error?.userMessage)).toContain("is not a Slack message permalink");
    }
    expect(await moneyOf(harness, refused.customerId)).toMatchObject({
      balance: 5000,
      entries: 0,
    });
    const { customerId } = refused;
    expect(await harness.db.collection(collections.approvals).countDocuments({ customerId })).toBe(
      0,
    );
    expect(
      await harness.db
        .collection(collections.auditEvents)
        .countDocuments({ "target.customerId": customerId }),
    ).toBe(0);
  });
});
