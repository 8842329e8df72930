import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { slackEventsPath } from "../../../src/app/http-server.js";
import { collections } from "../../../src/db/collections.js";
import { type Harness, signingSecret, startHarness, users } from "../../support/app-harness.js";
import { aCustomer, insertCustomers } from "../../support/customer-fixtures.js";
import type { RecordedResponse } from "../../support/slack/fake-slack-api.js";
import { formContentType, postSigned, slashCommandBody } from "../../support/slack/sign-request.js";
import { allButtons, visibleText } from "../../support/slack-blocks.js";

let harness: Harness;

const ana = aCustomer({ account: "ana@acme.example", teamName: "Acme Platform", balance: 4_200 });
const ben = aCustomer({ account: "ben@bolt.example", teamName: "Bolt Works" });
const acmeData = aCustomer({ account: "chen@acme.example", teamName: "Acme Data" });

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [ana, ben, acmeData]);
});
afterAll(() => harness.stop());
beforeEach(async () => {
  await harness.db.collection(collections.channelLinks).deleteMany({});
});

let channelCounter = 0;
/** A fresh channel ID for each test, so tests never see each other's links. */
function aChannel(): string {
  channelCounter += 1;
  return `C0LINK${String(channelCounter).padStart(4, "0")}`;
}

/** Runs `/customer TEXT` as `userId` in a given conversation and waits for the answer. */
async function askIn(
  userId: string,
  channelId: string,
  text: string,
  channelName = "acme-shared",
): Promise<RecordedResponse> {
  const responseUrl = harness.slack.responseUrl();
  const fields = new URLSearchParams(
    slashCommandBody({ text, user_id: userId, response_url: responseUrl, channel_id: channelId }),
  );
  fields.set("channel_name", channelName);
  const { status } = await postSigned(
    `${harness.baseUrl}${slackEventsPath}`,
    signingSecret,
    fields.toString(),
    formContentType,
  );
  expect(status).toBe(200);
  return harness.slack.waitForResponse(responseUrl, undefined, 10_000);
}

const links = () => harness.db.collection(collections.channelLinks).find({}).toArray();
/** The audit trail of one action in one channel, oldest first. */
const auditOf = (action: string, channelId: string) =>
  harness.db
    .collection(collections.auditEvents)
    .find({ action, "target.channelId": channelId })
    .sort({ at: 1, _id: 1 })
    .toArray();

describe("linking a channel to a customer", () => {
  it("support links a channel: audited; there `/customer` shows the card privately, `links` lists it; after unlink the menu is back", async () => {
    const channel = aChannel();
    const linked = await askIn(users.support, channel, `link ${ana.account}`);
    expect(linked.body.response_type).toBe("ephemeral");
    expect(String(linked.body.text)).toContain(`<#${channel}> is now linked to *ana@acme.example*`);
    expect(await links()).toMatchObject([
      { channelId: channel, customerId: ana.customerId, linkedBy: users.support },
    ]);
    expect(await auditOf("channel.link", channel)).toMatchObject([
      {
        actorId: users.support,
        actorRole: "support",
        outcome: "done",
        target: { customerId: ana.customerId, account: ana.account, channelId: channel },
        after: { customerId: ana.customerId },
      },
    ]);

    const card = await askIn(users.manager, channel, "");
    expect(card.body.response_type).toBe("ephemeral");
    const text = visibleText(card.body.blocks);
    for (const field of [ana.account, ana.customerId, "Acme Platform", "$42.00"])
      expect(text).toContain(field);
    expect(text).toContain("`/customer help` shows the menu");
    expect(allButtons(card.body.blocks).map((b) => b.text)).toContain("Manage balance");

    const menu = await askIn(users.manager, channel, "help");
    expect(visibleText(menu.body.blocks)).toContain("/customer list [text]");

    const list = await askIn(users.support, aChannel(), "links");
    expect(list.body.response_type).toBe("ephemeral");
    expect(visibleText(list.body.blocks)).toContain(
      `<#${channel}> → *ana@acme.example* (\`${ana.customerId}\`) · linked by <@${users.support}>`,
    );

    const unlinked = await askIn(users.support, channel, "unlink");
    expect(String(unlinked.body.text)).toContain(
      `<#${channel}> is no longer linked to *ana@acme.example*`,
    );
    expect(await links()).toEqual([]);
    expect(await auditOf("channel.unlink", channel)).toMatchObject([
      {
        actorId: users.support,
        outcome: "done",
        target: { customerId: ana.customerId, channelId: channel },
        before: { customerId: ana.customerId },
        after: { customerId: null },
      },
    ]);
    const back = await askIn(users.support, channel, "");
    expect(visibleText(back.body.blocks)).toContain("/customer list [text]");
    expect(visibleText(back.body.blocks)).not.toContain(ana.account);
  });

  it("relinking a channel replaces its link and names the customer it was linked to; the same customer again changes nothing", async () => {
    const channel = aChannel();
    await askIn(users.support, channel, `link ${ana.customerId}`);
    const again = await askIn(users.support, channel, `link ${ana.account}`);
    expect(String(again.body.text)).toContain(
      `<#${channel}> is already linked to *ana@acme.example* (\`${ana.customerId}\`); nothing was changed.`,
    );
    const relinked = await askIn(users.admin, channel, "link bolt works");
    expect(String(relinked.body.text)).toContain(
      `<#${channel}> is now linked to *ben@bolt.example* (\`${ben.customerId}\`)`,
    );
    expect(String(relinked.body.text)).toContain(
      `It was linked to *ana@acme.example* (\`${ana.customerId}\`) before; that link is replaced.`,
    );
    expect(await links()).toMatchObject([
      { channelId: channel, customerId: ben.customerId, linkedBy: users.admin },
    ]);
    expect(await auditOf("channel.link", channel)).toMatchObject([
      { after: { customerId: ana.customerId } },
      { before: { customerId: ana.customerId }, after: { customerId: ben.customerId } },
    ]);
    const card = await askIn(users.support, channel, "");
    expect(visibleText(card.body.blocks)).toContain(ben.account);
  });

  it("several channels may be linked to one customer", async () => {
    const [first, second] = [aChannel(), aChannel()];
    await askIn(users.support, first, `link ${ana.account}`);
    await askIn(users.support, second, `link ${ana.account}`);
    expect((await links()).map((link) => link.channelId).sort()).toEqual([first, second].sort());
    for (const channel of [first, second]) {
      const card = await askIn(users.support, channel, "");
      expect(visibleText(card.body.blocks)).toContain(ana.customerId);
    }
  });

  it("an ambiguous REF gives the pick list and links nothing", async () => {
    const reply = await askIn(users.support, aChannel(), "link acme");
    expect(visibleText(reply.body.blocks)).toContain("*2* customers match “acme”. Pick one:");
    expect(await links()).toEqual([]);
  });

  it("a customer that does not exist: “no customer matches”, nothing stored", async () => {
    const channel = aChannel();
    const reply = await askIn(users.support, channel, "link CUS-ZZZZZZZZ");
    expect(String(reply.body.text)).toContain("No customer matches “CUS-ZZZZZZZZ”");
    expect(await links()).toEqual([]);
    expect(await auditOf("channel.link", channel)).toEqual([]);
  });

  it.each([
    ["a direct message (D…)", "D0DIRECT01", "directmessage"],
    ["a direct message named directmessage", "C0ODDONE01", "directmessage"],
    ["a group direct message", "G0GROUPDM1", "mpdm-ana--ben-1"],
  ])("in %s the link is refused, nothing stored, the refusal audited", async (_, channel, name) => {
    const reply = await askIn(users.support, channel, `link ${ana.account}`, name);
    expect(String(reply.body.text)).toContain(
      "Only a channel can be linked to a customer, not a direct message",
    );
    expect(await links()).toEqual([]);
    expect(await auditOf("channel.link", channel)).toMatchObject([
      { actorId: users.support, outcome: "refused", detail: "not a channel (a direct message)" },
    ]);
  });

  it("someone without a role cannot link, and the refusal is audited like any other", async () => {
    const channel = aChannel();
    const reply = await askIn(users.outsider, channel, `link ${ana.account}`);
    expect(String(reply.body.text)).toContain("Sorry, you don't have access to the customer bot");
    expect(await links()).toEqual([]);
    await expect
      .poll(() =>
        harness.db
          .collection(collections.auditEvents)
          .find({ action: "access.refused", actorId: users.outsider })
          .toArray(),
      )
      .toMatchObject([{ outcome: "refused", detail: "no role for command /customer" }]);
  });

  it("unlink in a channel that is not linked says so and changes nothing", async () => {
    const channel = aChannel();
    const reply = await askIn(users.support, channel, "unlink");
    expect(String(reply.body.text)).toContain(
      `<#${channel}> is not linked to a customer; nothing was changed.`,
    );
    expect(await auditOf("channel.unlink", channel)).toEqual([]);
  });

  it("two concurrent links of one channel to one customer: one link; one answer links, the other says it already is", async () => {
    const channel = aChannel();
    const answers = await Promise.all([
      askIn(users.support, channel, `link ${ana.account}`),
      askIn(users.manager, channel, `link ${ana.customerId}`),
    ]);
    expect(await links()).toHaveLength(1);
    const texts = answers.map((answer) => String(answer.body.text));
    expect(texts.filter((text) => text.includes("is now linked to"))).toHaveLength(1);
    expect(texts.filter((text) => text.includes("is already linked to"))).toHaveLength(1);
    expect(await auditOf("channel.link", channel)).toHaveLength(1);
  });

  it("two concurrent links of one channel to two customers: one link stands, and the answers tell the order truthfully", async () => {
    const channel = aChannel();
    const [toAna, toBen] = await Promise.all([
      askIn(users.support, channel, `link ${ana.account}`),
      askIn(users.manager, channel, `link ${ben.account}`),
    ]);
    const stored = await links();
    expect(stored).toHaveLength(1);
    const [winner] = stored;
    // The link that stands is the one that came second, and it says whose link it replaced.
    const [last, first, firstCustomer] =
      winner?.customerId === ana.customerId ? [toAna, toBen, ben] : [toBen, toAna, ana];
    expect(String(first.body.text)).not.toContain("before");
    expect(String(last.body.text)).toContain(
      `It was linked to *${firstCustomer.account}* (\`${firstCustomer.customerId}\`) before`,
    );
    expect(await auditOf("channel.link", channel)).toHaveLength(2);
  });

  it("a channel linked to a customer that no longer exists: `/customer` says so and suggests unlink, which still works", async () => {
    const gone = aCustomer({ account: "gone@example.com" });
    await insertCustomers(harness.db, [gone]);
    const channel = aChannel();
    await askIn(users.support, channel, `link ${gone.account}`);
    await harness.db.collection(collections.customers).deleteOne({ customerId: gone.customerId });

    const reply = await askIn(users.support, channel, "");
    expect(String(reply.body.text)).toContain(
      `This channel is linked to customer \`${gone.customerId}\`, which no longer exists. \`/customer unlink\` removes the link`,
    );
    const list = await askIn(users.support, channel, "links");
    expect(visibleText(list.body.blocks)).toContain(`\`${gone.customerId}\` (no longer exists)`);
    const unlinked = await askIn(users.support, channel, "unlink");
    expect(String(unlinked.body.text)).toContain(
      `is no longer linked to \`${gone.customerId}\` (no longer exists)`,
    );
    expect(await links()).toEqual([]);
  });

  it("`/customer links` shows at most 20, newest first, and says there are more", async () => {
    await harness.db.collection(collections.channelLinks).insertMany(
      Array.from({ length: 23 }, (_, i) => ({
        channelId: `C0MANY${String(i).padStart(4, "0")}`,
        customerId: ana.customerId,
        linkedBy: users.support,
        linkedAt: new Date(Date.UTC(2026, 5, 1) + i * 60_000),
      })),
    );
    const list = await askIn(users.support, aChannel(), "links");
    const text = visibleText(list.body.blocks);
    expect(text).toContain("<#C0MANY0022>");
    expect(text).toContain("<#C0MANY0003>");
    expect(text).not.toContain("<#C0MANY0002>");
    expect(text).toContain("The 20 most recently linked; there are more.");
    expect(text.indexOf("C0MANY0022")).toBeLessThan(text.indexOf("C0MANY0021"));
  });

  it("everything it sent stayed within Block Kit limits", () => {
    expect(harness.slack.limitViolations).toEqual([]);
  });
});
