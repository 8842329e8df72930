import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness, users } from "../../support/app-harness.js";
import { aCustomer, insertCustomers } from "../../support/customer-fixtures.js";
import { allButtons, buttonLabelled, visibleText } from "../../support/slack-blocks.js";

let harness: Harness;

const ana = aCustomer({
  account: "ana.silva@acme.example",
  teamName: "Acme Platform",
  teamType: "enterprise",
  companyName: "Acme Robotics",
  balance: 123_450,
  tag: "vip",
});
const ben = aCustomer({
  account: "ben@example.org",
  teamName: "ben-novak",
  teamType: "default",
  status: "off",
});
const acmeOthers = [
  aCustomer({
    account: "chen@acme.example",
    teamName: "Acme Data",
    teamType: "enterprise",
    companyName: "Acme Robotics",
  }),
  aCustomer({
    account: "dara@acme.example",
    teamName: "Acme Ops",
    teamType: "enterprise",
    companyName: "Acme Robotics",
    tag: "trial",
  }),
];
const regexLookalike = aCustomer({
  account: "dot.star@example.net",
  teamName: "literally .* team",
});
/** 25 more, so the unfiltered list spans several pages. */
const crowd = Array.from({ length: 25 }, (_, i) =>
  aCustomer({ account: `crowd${i}@example.com`, teamName: `Crowd ${i}` }),
);
const everyone = [ana, ben, ...acmeOthers, regexLookalike, ...crowd];

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, everyone);
});
afterAll(() => harness.stop());

describe("/customer help", () => {
  it.each(["", "help"])(
    "“/customer %s” answers privately with the grammar and quick actions",
    async (text) => {
      const { status, responseUrl } = await harness.command(users.support, text);
      expect(status).toBe(200);
      const reply = await harness.slack.waitForResponse(responseUrl);
      expect(reply.body.response_type).toBe("ephemeral");
      expect(visibleText(reply.body.blocks)).toContain("/customer list [text]");
      expect(allButtons(reply.body.blocks).map((b) => b.text)).toContain("List customers");
    },
  );
});

describe("/customer show", () => {
  it("finds a customer by account, case-insensitively, and shows every field with the operation buttons", async () => {
    const reply = await harness.ask(users.support, "show ANA.SILVA@acme.example");
    const text = visibleText(reply.body.blocks);
    expect(reply.body.response_type).toBe("ephemeral");
    for (const expected of [
      "ana.silva@acme.example",
      ana.customerId,
      "Acme Platform",
      "Enterprise",
      "Acme Robotics",
      "$1,234.50",
      "$0.00",
      "On",
      "vip",
    ]) {
      expect(text).toContain(expected);
    }
    expect(allButtons(reply.body.blocks).map((b) => b.text)).toEqual(
      expect.arrayContaining([
        "Edit",
        "Manage balance",
        "Manage credits",
        "Reset password",
        "Disable",
      ]),
    );
  });

  it("finds a customer by internal ID with a bare /customer REF", async () => {
    const reply = await harness.ask(users.support, ben.customerId.toLowerCase());
    expect(visibleText(reply.body.blocks)).toContain("ben@example.org");
  });

  it("finds the one customer whose text matches", async () => {
    const reply = await harness.ask(users.support, "show ben-novak");
    expect(reply.body.text).toContain(ben.customerId);
  });

  it("offers a short list to pick from when several match, and Open shows the chosen one", async () => {
    const reply = await harness.ask(users.support, "show acme");
    expect(visibleText(reply.body.blocks)).toContain("*3* customers match “acme”. Pick one:");
    const open = allButtons(reply.body.blocks).filter((b) => b.text === "Open");
    expect(open.map((b) => b.value).sort()).toEqual(
      [ana.customerId, ...acmeOthers.map((c) => c.customerId)].sort(),
    );
    const chosen = open.find((b) => b.value === acmeOthers[1]?.customerId);
    if (!chosen) throw new Error("no Open button for dara");
    const card = await harness.clickAndWait(users.support, chosen);
    expect(visibleText(card.body.blocks)).toContain("dara@acme.example");
  });

  it("says clearly when nothing matches", async () => {
    const reply = await harness.ask(users.support, "show nobody-like-this");
    expect(reply.body.text).toContain("No customer matches “nobody-like-this”");
  });

  it("every button on the card does something: a form opens or an answer comes", async () => {
    const card = await harness.ask(users.support, `show ${ana.customerId}`);
    // Enable/Disable change the status other tests here filter on; they have their own tests.
    const buttons = allButtons(card.body.blocks).filter(
      (b) => b.text !== "Disable" && b.text !== "Enable",
    );
    expect(buttons).toHaveLength(7);
    for (const button of buttons) {
      const opened = harness.slack.callsTo("views.open").length;
      const { responseUrl } = await harness.click(users.support, button);
      await expect
        .poll(
          () =>
            harness.slack.responsesTo(responseUrl).length +
            harness.slack.callsTo("views.open").length -
            opened,
          { timeout: 3000 },
        )
        .toBeGreaterThan(0);
    }
  });
});

describe("/customer list", () => {
  it("shows 10 per page, newest first, with the total", async () => {
    const reply = await harness.ask(users.support, "list");
    const text = visibleText(reply.body.blocks);
    expect(text).toContain(`*${everyone.length}* customers — all customers · page 1 of 3`);
    const newestFirst = [...everyone]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, 10);
    const shown = allButtons(reply.body.blocks)
      .filter((b) => b.text === "Open")
      .map((b) => b.value);
    expect(shown).toEqual(newestFirst.map((c) => c.customerId));
  });

  it("pages forward and back through the buttons it sent, replacing the message each time: exactly the same pages", async () => {
    const { responseUrl } = await harness.command(users.support, "list");
    const first = await harness.slack.waitForResponse(responseUrl);
    const sorted = [...everyone]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .map((c) => c.customerId);
    const opened = (page: typeof first) =>
      allButtons(page.body.blocks)
        .filter((b) => b.text === "Open")
        .map((b) => b.value);
    const pages = [first];
    for (let index = 0; index < 2; index += 1) {
      const page = await harness.clickAndWait(
        users.support,
        buttonLabelled(pages[index]?.body.blocks, "Next"),
        { responseUrl },
      );
      expect(page.body.replace_original).toBe(true);
      pages.push(page);
    }
    const last = pages[2] ?? first;
    expect(visibleText(last.body.blocks)).toContain("page 3 of 3");
    expect(pages.flatMap(opened)).toEqual(sorted);
    expect(allButtons(last.body.blocks).map((b) => b.text)).not.toContain("Next");
    const back = await harness.clickAndWait(
      users.support,
      buttonLabelled(last.body.blocks, "Previous"),
      { responseUrl },
    );
    expect(visibleText(back.body.blocks)).toContain("page 2 of 3");
    expect(opened(back)).toEqual(opened(pages[1] ?? first));
    const front = await harness.clickAndWait(
      users.support,
      buttonLabelled(back.body.blocks, "Previous"),
      { responseUrl },
    );
    expect(visibleText(front.body.blocks)).toContain("page 1 of 3");
    expect(opened(front)).toEqual(opened(first));
    expect(allButtons(front.body.blocks).map((b) => b.text)).not.toContain("Previous");
  });

  it("finds by word prefix, not inside words: “acme” finds the Acme customers, “cme” none", async () => {
    const acme = await harness.ask(users.support, "list acme");
    expect(
      allButtons(acme.body.blocks)
        .filter((b) => b.text === "Open")
        .map((b) => b.value)
        .sort(),
    ).toEqual([ana, ...acmeOthers].map((c) => c?.customerId).sort());
    const inside = await harness.ask(users.support, "list cme");
    expect(visibleText(inside.body.blocks)).toContain("No customers — matching “cme”");
  });

  it.each([
    ["type:enterprise", [ana, ...acmeOthers]],
    ["status:off", [ben]],
    ["tag:trial", [acmeOthers[1]]],
    ["acme type:enterprise tag:vip", [ana]],
    ["ROBOTICS", [ana, ...acmeOthers]],
  ])("filters: list %s", async (args, expected) => {
    const reply = await harness.ask(users.support, `list ${args}`);
    const shown = allButtons(reply.body.blocks)
      .filter((b) => b.text === "Open")
      .map((b) => b.value)
      .sort();
    expect(shown).toEqual(expected.map((c) => c?.customerId).sort());
    expect(visibleText(reply.body.blocks)).toContain(`*${expected.length}* customer`);
  });

  it.each([".*", "$gt", '{"$ne":1}', "[a-z]+", "\\"])(
    "search text %j is matched literally",
    async (text) => {
      const reply = await harness.ask(users.support, `list ${text}`);
      const shown = allButtons(reply.body.blocks)
        .filter((b) => b.text === "Open")
        .map((b) => b.value);
      expect(shown).toEqual(text === ".*" ? [regexLookalike.customerId] : []);
    },
  );

  it("a bad filter gets a specific message", async () => {
    const reply = await harness.ask(users.support, "list status:maybe");
    expect(reply.body.text).toContain(
      "`status:maybe` is not a valid filter: status must be on or off",
    );
  });

  it("a forged page button is refused with a message, not an error", async () => {
    const reply = await harness.clickAndWait(users.support, {
      action_id: "customers_list_page:next",
      value: '{"p":-1,"q":{"$ne":1}}',
      text: "Next",
    });
    expect(reply.body.text).toContain("That page button is not valid");
  });

  it("everything it sent stayed within Block Kit limits", () => {
    expect(harness.slack.limitViolations).toEqual([]);
  });
});
