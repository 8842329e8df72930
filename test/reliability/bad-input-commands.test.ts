/**
 * Bad input, part 1: `/customer …` with malformed amounts, references, search text, filters, tags,
 * emails and reasons. Every case must get a specific answer, change nothing and leave the app
 * answering. Cases are tables; each group is one row of the reliability report.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { invisibleCharacters } from "../support/invisible-characters.js";
import { CaseGroup, checkBadInput, describeMarkupCases, shown } from "./support/bad-input-cases.js";
import { type Answer, runCommand } from "./support/bad-input-driver.js";

let harness: Harness;
const alpha = aCustomer({ account: "alpha@example.com", teamName: "Alpha Team", tag: "vip" });
const beta = aCustomer({ account: "beta@example.com", teamName: "Beta Team" });
const A = alpha.customerId;
const B = beta.customerId;
const missing = "CUS-ZZZZZZZZ";

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [alpha, beta]);
});
afterAll(() => harness.stop());

interface CommandCase {
  name: string;
  text: string;
  says: RegExp;
  user?: string;
}

function runGroup(group: CaseGroup, cases: CommandCase[]) {
  it.each(cases)("$name", async ({ name, text, says, user }) => {
    const problems = await checkBadInput(
      harness,
      () => runCommand(harness, user ?? users.support, text),
      { says, kinds: ["message"] },
    );
    group.add(name, problems);
    expect(problems).toEqual([]);
  });
  it(`records “${group.scenario}” (${cases.length} cases)`, () => group.record());
}

const notAnAmount = /is not an amount/;
const notFound = /No customer matches/;
const otherCurrency = /is in another currency: amounts here are in USD \(\$\)/;

// ---------------------------------------------------------------------------------------------
const balanceAmounts: [string, RegExp][] = [
  ["5", /Say which way: `\+5` to refill or `-5` to deduct/],
  ["$5.00", /Say which way/],
  ["+1e5", notAnAmount],
  ["+NaN", notAnAmount],
  ["+Infinity", notAnAmount],
  ["-Infinity", notAnAmount],
  ["+0x10", notAnAmount],
  ["--5", notAnAmount],
  ["++5", notAnAmount],
  ["+-5", notAnAmount],
  ["+5..0", notAnAmount],
  ["+5.0.0", notAnAmount],
  ["+99999999999999999999", /too large/],
  ["+1000000001", /too large/],
  ["+1,000,000,000.01", /too large/],
  ["+1000000000.01", /too large/],
  ["+0.001", /too many decimals/],
  ["+5e-3", notAnAmount],
  ["-0", /more than zero/],
  ["+0", /more than zero/],
  ["+0.00", /more than zero/],
  ["+$", notAnAmount],
  ["+,", notAnAmount],
  ["+٥", notAnAmount],
  ["+１０", notAnAmount],
  ["+½", notAnAmount],
  ["+5,0", notAnAmount],
  ["+1,00,000", notAnAmount],
  ["+.5", notAnAmount],
  ["+5.", notAnAmount],
  ["+$-5", notAnAmount],
  ["+5$", notAnAmount],
  ['+{"$gt":0}', notAnAmount],
  ["+€50", otherCurrency],
  ["+£50", otherCurrency],
  ["+¥5000", otherCurrency],
  ["₿1", otherCurrency],
  ["+₿1", otherCurrency],
  ["₹50", otherCurrency],
  ["-₹50", otherCurrency],
  ["+50 EUR", otherCurrency],
  ["+50EUR", otherCurrency],
  ["+CA$5", otherCurrency],
  [
    "-1000000000",
    /Cannot deduct \$1,000,000,000\.00 from beta@example\.com: the balance is only \$0\.00/,
  ],
];
const creditTargets: [string, RegExp][] = [
  ["1e5", notAnAmount],
  ["0x10", notAnAmount],
  ["5..0", notAnAmount],
  ["5.", notAnAmount],
  ["1,0000", notAnAmount],
  ["$1e5", notAnAmount],
  ["99999999999999999999", /too large/],
  ["1000000000.01", /too large/],
  ["0.001", /too many decimals/],
  ["-5", /set to a target amount, not changed by \+\/−/],
  ["--5", /set to a target amount, not changed by \+\/−/],
  ["+5", /set to a target amount, not changed by \+\/−/],
  ["-0", /set to a target amount, not changed by \+\/−/],
  ["0", /already has \$0\.00 in credits; nothing to change/],
  ["5", /needs \$5\.00 from the credit pool, but only \$0\.00 is left/],
  ["€50", otherCurrency],
  ["£50", otherCurrency],
  ["¥5000", otherCurrency],
  ["₿1", otherCurrency],
  ["₹50", otherCurrency],
  ["€0", otherCurrency],
  ["50 GBP", otherCurrency],
];
const poolTotals: [string, RegExp][] = [
  ["1e5", notAnAmount],
  ["NaN", notAnAmount],
  ["Infinity", notAnAmount],
  ["0x10", notAnAmount],
  ["--5", notAnAmount],
  ["-5", notAnAmount],
  ["-0", notAnAmount],
  ["5..0", notAnAmount],
  ["99999999999999999999", /not an amount|too large/],
  ["1000000000.01", /not an amount|too large/],
  ["0.001", notAnAmount],
  ["$", notAnAmount],
  [",", notAnAmount],
  ["٥", notAnAmount],
  ['{"$gt":""}', notAnAmount],
  ["€2500", otherCurrency],
  ["£2500", otherCurrency],
  ["¥5000", otherCurrency],
  ["₿1", otherCurrency],
  ["₹50", otherCurrency],
  ["€0", otherCurrency],
  ["2500 EUR", otherCurrency],
];
const amountGroup = new CaseGroup(
  "bad input / command amounts (balance, credits, pool set)",
  "each malformed or extreme amount refused with a message saying what is accepted; no collection changes (refusals audited only); app still answers",
);
describe("amounts typed in commands", () => {
  runGroup(amountGroup, [
    ...balanceAmounts.map(([amount, says]) => ({
      name: `balance REF ${amount}`,
      text: `balance ${B} ${amount} goodwill`,
      says,
      user: users.admin,
    })),
    ...creditTargets.map(([amount, says]) => ({
      name: `credits REF ${amount}`,
      text: `credits ${B} ${amount} goodwill`,
      says,
    })),
    ...poolTotals.map(([amount, says]) => ({
      name: `pool set ${amount}`,
      text: `pool set ${amount}`,
      says,
      user: users.admin,
    })),
    {
      name: "balance REF NaN (no sign: read as part of the reference)",
      text: `balance ${B} NaN goodwill`,
      says: notFound,
    },
    { name: "credits REF $ (no digits)", text: `credits ${B} $ goodwill`, says: notFound },
    {
      name: "pool set (no amount)",
      text: "pool set",
      says: /Use `\/customer pool`/,
      user: users.admin,
    },
    {
      name: "pool set 5 6",
      text: "pool set 5 6",
      says: /Use `\/customer pool`/,
      user: users.admin,
    },
    { name: "pool sett 5", text: "pool sett 5", says: /Use `\/customer pool`/, user: users.admin },
  ]);
});

// ---------------------------------------------------------------------------------------------
const injectedRefs = [
  ".*",
  "^",
  "$",
  "$where",
  '{"$gt":""}',
  '{"$ne":null}',
  '{"account":{"$regex":".*"}}',
  "[a-z]+",
  "(",
  "\\",
  "a{99999}",
  "this.balance > 0",
  missing,
  "cus-zzzzzzzz",
  "ＣＵＳ－ＺＺＺＺＺＺＺＺ",
  "\u202Ealpha@example.com",
  "٥",
];
const refGroup = new CaseGroup(
  "bad input / command references (show, edit, enable, disable, password, billing, history, tag, balance, credits)",
  "injection-like, unknown, over-long, empty and control-character references answered with a specific message; zero-width characters ignored; nothing changes",
);
describe("references typed in commands", () => {
  runGroup(refGroup, [
    ...injectedRefs.map((ref) => ({
      name: `show ${shown(ref)}`,
      text: `show ${ref}`,
      says: ref.includes("\u202E") ? /contains control characters/ : notFound,
    })),
    ...injectedRefs.slice(0, 6).map((ref) => ({
      name: `bare /customer ${shown(ref)}`,
      text: ref,
      says: notFound,
    })),
    { name: "edit .*", text: "edit .*", says: notFound },
    { name: 'enable {"$ne":null}', text: 'enable {"$ne":null}', says: notFound },
    { name: "disable $where", text: "disable $where", says: notFound },
    { name: `password ${missing}`, text: `password ${missing}`, says: notFound },
    { name: "billing ^", text: "billing ^", says: notFound },
    { name: 'history {"$gt":""}', text: 'history {"$gt":""}', says: notFound },
    { name: "tag .* vip", text: "tag .* vip", says: notFound },
    { name: "balance $where +5", text: "balance $where +5 goodwill", says: notFound },
    { name: 'credits {"$ne":null} 5', text: 'credits {"$ne":null} 5 goodwill', says: notFound },
    { name: "link .*", text: "link .*", says: notFound },
    { name: 'link {"$ne":null}', text: 'link {"$ne":null}', says: notFound },
    { name: `link ${missing}`, text: `link ${missing}`, says: notFound },
    { name: "link 201 characters", text: `link ${"a".repeat(201)}`, says: /the most is 200/ },
    { name: "link with \\u0000", text: `link ${A}\u0000`, says: /contains control characters/ },
    { name: "unlink with a REF", text: `unlink ${A}`, says: /takes nothing after it/ },
    { name: "links with text", text: "links acme", says: /takes nothing after it/ },
    ...[
      "show",
      "edit",
      "enable",
      "disable",
      "password",
      "billing",
      "history",
      "tag",
      "balance",
      "credits",
      "link",
    ].map((word) => ({ name: `${word} (no reference)`, text: word, says: /Say which customer/ })),
    { name: "show + whitespace only", text: "show   \t  ", says: /Say which customer/ },
    { name: "show + zero-width only", text: "show \u200B\u200C\uFEFF", says: /Say which customer/ },
    {
      name: "show 201 characters",
      text: `show ${"a".repeat(201)}`,
      says: /201 characters long; the most is 200/,
    },
    {
      name: "show 5,000 characters",
      text: `show ${"x".repeat(5000)}`,
      says: /5000 characters long; the most is 200/,
    },
    {
      name: "bare 300 characters",
      text: "q".repeat(300),
      says: /300 characters long; the most is 200/,
    },
    ...["\u0000", "\u0007", "\u001B[31m", "\u007F", "\u0085", "\r"].map((control) => ({
      name: `show with ${shown(control)}`,
      text: `show alpha${control}@example.com`,
      says: /contains control characters/,
    })),
    {
      name: "edit with \\u0000",
      text: `edit ${A}\u0000`,
      says: /contains control characters/,
    },
    ...[
      "alp\u200Bha@example.com",
      "\uFEFFalpha@example.com",
      "alpha@example.com\u2060",
      "ALPHA@EXAMPLE.COM",
    ].map((ref) => ({
      name: `show ${shown(ref)} finds alpha (zero-width and case ignored)`,
      text: `show ${ref}`,
      says: new RegExp(A),
    })),
    {
      name: "unknown subcommand frobnicate",
      text: "frobnicate",
      says: /No customer matches “frobnicate”/,
    },
  ]);
});

// ---------------------------------------------------------------------------------------------
const listGroup = new CaseGroup(
  "bad input / list search text and filters",
  "search text always matched literally (regex and operators find nothing); invalid filters refused naming what is allowed; nothing changes",
);
describe("list search text and filters", () => {
  runGroup(listGroup, [
    ...[
      ".*",
      "^$",
      "$where",
      '{"$gt":""}',
      '{"$ne":null}',
      "[",
      "\\",
      "(a|b)",
      "a{1000}",
      "\u202E",
      "٥",
      ".+@.+",
    ].map((text) => ({
      name: `list ${shown(text)}`,
      text: `list ${text}`,
      says: text.includes("\u202E") ? /contains control characters/ : /No customers —/,
    })),
    {
      name: "list type:bogus",
      text: "list type:bogus",
      says: /not a valid filter: type must be one of/,
    },
    { name: "list type:", text: "list type:", says: /not a valid filter: type must be one of/ },
    {
      name: "list status:maybe",
      text: "list status:maybe",
      says: /not a valid filter: status must be on or off/,
    },
    {
      name: 'list status:{"$ne":null}',
      text: 'list status:{"$ne":null}',
      says: /not a valid filter: status must be on or off/,
    },
    { name: "list tag:VIP!", text: "list tag:VIP!", says: /not a valid filter: tag:/ },
    { name: "list tag:", text: "list tag:", says: /not a valid filter: tag:/ },
    { name: "list tag:.*", text: "list tag:.*", says: /not a valid filter: tag:/ },
    {
      name: "list type:enterprise type:$where",
      text: "list type:enterprise type:$where",
      says: /`type:\$where` is not a valid filter/,
    },
    {
      name: "list 201 characters",
      text: `list ${"a".repeat(201)}`,
      says: /201 characters long; the most is 200/,
    },
    {
      name: "list 5,000 characters",
      text: `list ${"b ".repeat(2500)}`,
      says: /characters long; the most is 200/,
    },
    { name: "list \\u0000", text: "list a\u0000b", says: /contains control characters/ },
  ]);
});

// ---------------------------------------------------------------------------------------------
const invalidTag = /is not a valid tag/;
const notAnEmail = /is not an email address/;
const textGroup = new CaseGroup(
  "bad input / command tags, invite emails and reasons",
  "invalid tags, emails and reasons refused with what is allowed; nothing changes",
);
describe("tags, emails and reasons typed in commands", () => {
  runGroup(textGroup, [
    ...[
      "VIP",
      "a".repeat(33),
      "-vip",
      "_vip",
      ".*",
      "$where",
      '{"$ne":null}',
      "vip\u202E",
      "٥",
      "vip!",
      "ñ",
    ].map((tag) => ({
      name: `tag REF ${shown(tag)}`,
      text: `tag ${A} ${tag}`,
      says: tag.includes("\u202E") ? /contains control characters/ : invalidTag,
    })),
    ...[
      "not-an-email",
      "ana@",
      "@example.com",
      "ana@@example.com",
      "a@b",
      `${"a".repeat(250)}@example.com`,
      "ana@example.com bob@example.com",
      '{"$gt":""}',
      ".*@example.com",
      "$where@example.com",
      "ana\u202E@example.com",
      "٥@example.com",
      "<script>@example.com",
    ].map((email) => ({
      name: `invite ${shown(email)}`,
      text: `invite ${email}`,
      says: email.includes("\u202E") ? /contains control characters/ : notAnEmail,
    })),
    {
      name: "balance REF +5 with a reason of a combining mark alone",
      text: `balance ${B} +5 \u034F`,
      says: /The reason has no visible characters/,
    },
    {
      name: "balance REF +5 with a 501-character reason",
      text: `balance ${B} +5 ${"r".repeat(501)}`,
      says: /The reason is 501 characters; the most is 500/,
    },
    {
      name: "credits REF 5 with a reason of combining marks alone",
      text: `credits ${B} 5 \u0301\u0302`,
      says: /The reason has no visible characters/,
    },
    {
      name: "credits REF 5 with a 5,000-character reason",
      text: `credits ${B} 5 ${"r".repeat(5000)}`,
      says: /The reason is 5000 characters; the most is 500/,
    },
    {
      name: "balance REF +5 reason with \\u0000",
      text: `balance ${B} +5 goodwill\u0000`,
      says: /contains control characters/,
    },
    {
      name: "balance REF +5 reason with \\u0007",
      text: `balance ${B} +5 bell\u0007`,
      says: /contains control characters/,
    },
  ]);
});

// ---------------------------------------------------------------------------------------------
const formGroup = new CaseGroup(
  "bad input / command amounts without a (visible) reason",
  "no reason, or one of characters that show nothing, opens the balance or credits form with the amount filled in, to ask for the reason; nothing changes",
);
describe("amounts typed in commands without a visible reason", () => {
  const invisibleReasons = [
    ...invisibleCharacters,
    invisibleCharacters.join(""),
    "\u200B \u3164 \u2800",
  ];
  const cases = [
    { name: "balance REF +5 without a reason", text: `balance ${B} +5`, amount: "5.00" },
    { name: "balance REF -5 without a reason", text: `balance ${B} -5`, amount: "5.00" },
    { name: "credits REF 5 without a reason", text: `credits ${B} 5`, amount: "5.00" },
    ...invisibleReasons.map((reason) => ({
      name: `balance REF +5 ${shown(reason)}`,
      text: `balance ${B} +5 ${reason}`,
      amount: "5.00",
    })),
    ...invisibleReasons.map((reason) => ({
      name: `credits REF 7 ${shown(reason)}`,
      text: `credits ${B} 7 ${reason}`,
      amount: "7.00",
    })),
  ];
  it.each(cases)("$name", async ({ name, text, amount }) => {
    let answer: Answer | undefined;
    const problems = await checkBadInput(
      harness,
      async () => {
        answer = await runCommand(harness, users.support, text);
        return answer;
      },
      { says: /beta@example\.com/, kinds: ["modal-opened"] },
    );
    const blocks = (answer?.modal?.blocks ?? []) as {
      block_id?: string;
      element?: { initial_value?: string };
    }[];
    const shownAmount = blocks.find((block) => block.block_id === "amount")?.element?.initial_value;
    if (shownAmount !== amount)
      problems.push(`the form's amount is “${shownAmount}”, expected “${amount}”`);
    formGroup.add(name, problems);
    expect(problems).toEqual([]);
  });
  it(`records “${formGroup.scenario}” (${cases.length} cases)`, () => formGroup.record());
});

const markupGroup = new CaseGroup(
  "bad input / console-written accounts with Slack markup (show, billing, history, list, refusals)",
  "every answer shows the markup as text (no @channel, mention or link acts) and no data line passes for the bot's own; nothing changes",
);
describeMarkupCases({
  harness: () => harness,
  group: markupGroup,
  attempts: (customer) =>
    [
      `show ${customer.customerId}`,
      `billing ${customer.customerId}`,
      `history ${customer.customerId}`,
      `list ${customer.customerId}`,
      `credits ${customer.customerId} 0 nothing to change`,
      `balance ${customer.customerId} -5 more than the balance`,
    ].map((text) => ({ name: text, attempt: () => runCommand(harness, users.support, text) })),
  kinds: ["message"],
});
