/**
 * Bad input, part 2: every modal the app opens (create, edit, tag, invite, balance, credits,
 * reject, approve), submitted with malformed fields, with blocks missing, with wrong value types and with bad
 * `private_metadata`. Every case must get its error on the right field (or a replacing modal that
 * explains), change nothing and leave the app answering.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, type SentView, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { invisibleCharacters } from "../support/invisible-characters.js";
import { postedRequest } from "../support/money-helpers.js";
import { buttonLabelled } from "../support/slack-blocks.js";
import { CaseGroup, checkBadInput, type Expected, shown } from "./support/bad-input-cases.js";
import {
  type Answer,
  type HandMadeView,
  pressButton,
  runCommand,
  stateValue,
  submitHandMade,
  submitOpenedModal,
} from "./support/bad-input-driver.js";

let harness: Harness;
const alpha = aCustomer({ account: "alpha@example.com", teamName: "Alpha Team", tag: "vip" });
const beta = aCustomer({ account: "beta@example.com", teamName: "Beta Team" });
const gamma = aCustomer({ account: "gamma@example.com" });
const delta = aCustomer({ account: "delta@example.com" });
const epsilon = aCustomer({ account: "epsilon@example.com" });
const missing = "CUS-ZZZZZZZZ";

const views = {} as Record<
  | "create"
  | "edit"
  | "tag"
  | "invite"
  | "balance"
  | "credits"
  | "reject"
  | "approve"
  | "pickedBalance"
  | "pickedTag"
  | "pickCard"
  | "reverse",
  SentView
>;
let pendingApprovalId = "";
let rejectedApprovalId = "";

async function modalFrom(answer: Promise<Answer>): Promise<SentView> {
  const opened = await answer;
  if (opened.kind !== "modal-opened" || !opened.modal)
    throw new Error(`expected a modal, got ${opened.kind}: ${opened.text}`);
  return opened.modal;
}

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [alpha, beta, gamma, delta, epsilon]);
  await runCommand(harness, users.admin, "pool set 100");
  await runCommand(harness, users.support, `credits ${gamma.customerId} 1 first request`);
  const pending = await postedRequest(harness, gamma.account);
  pendingApprovalId = String(buttonLabelled(pending.args.blocks, "Reject").value);
  await runCommand(harness, users.support, `credits ${delta.customerId} 2 second request`);
  const decided = await postedRequest(harness, delta.account);
  rejectedApprovalId = String(buttonLabelled(decided.args.blocks, "Reject").value);
  const rejectIt = await modalFrom(
    pressButton(harness, users.manager, buttonLabelled(decided.args.blocks, "Reject")),
  );
  await submitOpenedModal(harness, users.manager, rejectIt, { reason: "not this quarter" });

  views.create = await modalFrom(runCommand(harness, users.support, "create"));
  views.edit = await modalFrom(runCommand(harness, users.support, `edit ${alpha.customerId}`));
  views.tag = await modalFrom(runCommand(harness, users.support, `tag ${alpha.customerId}`));
  views.invite = await modalFrom(pressButton(harness, users.support, { action_id: "menu_invite" }));
  views.balance = await modalFrom(runCommand(harness, users.support, `balance ${beta.customerId}`));
  views.credits = await modalFrom(runCommand(harness, users.support, `credits ${beta.customerId}`));
  views.reject = await modalFrom(
    pressButton(harness, users.manager, buttonLabelled(pending.args.blocks, "Reject")),
  );
  views.approve = await modalFrom(
    pressButton(harness, users.manager, buttonLabelled(pending.args.blocks, "Approve")),
  );
  const menuPick = (value: string) =>
    modalFrom(
      pressButton(harness, users.support, {
        action_id: "menu_pick",
        extra: {
          type: "static_select",
          selected_option: { value, text: { type: "plain_text", text: value } },
        },
      }),
    );
  views.pickedBalance = await menuPick("balance");
  views.pickedTag = await menuPick("tag");
  views.pickCard = await modalFrom(pressButton(harness, users.support, { action_id: "menu_find" }));
  await runCommand(harness, users.manager, `balance ${epsilon.customerId} +10 paid`);
  const billing = await runCommand(harness, users.support, `billing ${epsilon.customerId}`);
  views.reverse = await modalFrom(
    pressButton(harness, users.support, buttonLabelled(billing.response?.body.blocks, "Reverse")),
  );
});
afterAll(() => harness.stop());

interface FormCase {
  name: string;
  attempt: () => Promise<Answer>;
  expected: Expected;
}

function runGroup(group: CaseGroup, cases: FormCase[]) {
  // The attempts read the views opened in beforeAll only when they run.
  it.each(cases)("$name", async ({ name, attempt, expected }) => {
    const problems = await checkBadInput(harness, attempt, expected);
    group.add(name, problems);
    expect(problems).toEqual([]);
  });
  it(`records “${group.scenario}” (${cases.length} cases)`, () => group.record());
}

const onField = (field: string, says: RegExp): Expected => ({ field, says });
const inModal = (says: RegExp): Expected => ({ says, kinds: ["modal-update"] });

function fill(
  form: keyof typeof views,
  values: Record<string, string | undefined>,
  options: { user?: string; privateMetadata?: string } = {},
) {
  return () =>
    submitOpenedModal(
      harness,
      options.user ?? users.support,
      views[form],
      Object.fromEntries(
        Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined),
      ),
      { privateMetadata: options.privateMetadata },
    );
}

// ---------------------------------------------------------------------------------------------
const freshCustomer = { account: "fresh@example.com", teamName: "Fresh", teamType: "individual" };
const badAccounts: [string, RegExp][] = [
  ["", /Account is required/],
  ["   ", /Account is required/],
  ["\u200B\u200B", /Account is required/],
  ["not-an-email", /must be an email address/],
  ["ana@", /must be an email address/],
  ["@example.com", /must be an email address/],
  ["ana@@example.com", /must be an email address/],
  ["a@b", /must be an email address/],
  ["ana example@example.com", /must be an email address/],
  [`${"a".repeat(250)}@example.com`, /262 characters; the most is 254/],
  ["x".repeat(5000), /5000 characters; the most is 254/],
  ["ana\u0000@example.com", /cannot contain control characters/],
  ["ana\u0007@example.com", /cannot contain control characters/],
  ["ana@example.com\nbob@example.com", /cannot contain control characters/],
  ["\u202Eana@example.com", /cannot contain control characters/],
  ['{"$gt":""}', /must be an email address/],
  ['["ana@example.com"]', /must be an email address/],
  [".*", /must be an email address/],
  ["$where", /must be an email address/],
  ["٥@example.com", /must be an email address/],
  ["ALPHA@EXAMPLE.COM", /alpha@example\.com already exists/],
  ["al\u200Bpha@example.com", /alpha@example\.com already exists/],
];
const createGroup = new CaseGroup(
  "bad input / create form fields",
  "each invalid account, team name, team type, company or tag shown on its own field; no customer created",
);
describe("the create form", () => {
  const cases: FormCase[] = [
    ...badAccounts.map(([account, says]) => ({
      name: `account ${shown(account)}`,
      attempt: fill("create", { ...freshCustomer, account }),
      expected: onField("account", says),
    })),
    ...(
      [
        ["", /Team name is required/],
        ["   ", /Team name is required/],
        ["\u200B\uFEFF", /Team name is required/],
        ["\u3164\u2800\u115F", /Team name is required/],
        ["\u034F", /Team name has no visible characters/],
        ["x".repeat(81), /81 characters; the most is 80/],
        ["x".repeat(5000), /5000 characters; the most is 80/],
        ["Team\u0000", /cannot contain control characters/],
        ["Team\u0007", /cannot contain control characters/],
        ["Team\u001B[2J", /cannot contain control characters/],
      ] as [string, RegExp][]
    ).map(([teamName, says]) => ({
      name: `team name ${shown(teamName)}`,
      attempt: fill("create", { ...freshCustomer, teamName }),
      expected: onField("teamName", says),
    })),
    ...["bogus", "", '{"$ne":null}', "individual\u0000", "Enterprise Plus", '["default"]'].map(
      (teamType) => ({
        name: `team type ${shown(teamType)}`,
        attempt: fill("create", { ...freshCustomer, teamType }),
        expected: onField("teamType", /Team type must be default, individual or enterprise/),
      }),
    ),
    {
      name: "enterprise without a company",
      attempt: fill("create", { ...freshCustomer, teamType: "enterprise", companyName: "  " }),
      expected: onField("companyName", /Company name is required for an enterprise team/),
    },
    {
      name: "company on an individual team",
      attempt: fill("create", { ...freshCustomer, companyName: "Acme" }),
      expected: onField("companyName", /Only enterprise teams have a company name/),
    },
    {
      name: "company of 121 characters",
      attempt: fill("create", {
        ...freshCustomer,
        teamType: "enterprise",
        companyName: "c".repeat(121),
      }),
      expected: onField("companyName", /121 characters; the most is 120/),
    },
    {
      name: "company with \\u0000",
      attempt: fill("create", {
        ...freshCustomer,
        teamType: "enterprise",
        companyName: "Acme\u0000",
      }),
      expected: onField("companyName", /cannot contain control characters/),
    },
    ...["VIP", "a".repeat(33), "-vip", ".*", "vip tag", "\u202Evip", "٥", '{"$ne":null}'].map(
      (tag) => ({
        name: `tag ${shown(tag)}`,
        attempt: fill("create", { ...freshCustomer, tag }),
        expected: onField("tag", /Not a valid tag/),
      }),
    ),
  ];
  runGroup(createGroup, cases);
});

// ---------------------------------------------------------------------------------------------
const alphaAsShown = {
  account: alpha.account,
  teamName: alpha.teamName,
  teamType: alpha.teamType,
  companyName: "",
};
const editMetadata = (metadata: Record<string, unknown>) => JSON.stringify(metadata);
const editGroup = new CaseGroup(
  "bad input / edit form fields and version",
  "each invalid field shown on that field; another customer's account refused; a stale or unknown version changes nothing",
);
describe("the edit form", () => {
  const cases: FormCase[] = [
    ...(
      [
        ["account", "", /Account is required/],
        ["account", "not-an-email", /must be an email address/],
        ["account", "beta@example.com", /already belongs to another customer/],
        ["account", "BETA@example.com\u200B", /already belongs to another customer/],
        ["account", "alpha\u0000@example.com", /cannot contain control characters/],
        ["teamName", "", /Team name is required/],
        ["teamName", "x".repeat(81), /the most is 80/],
        ["teamName", "Alpha\u0007", /cannot contain control characters/],
        ["teamType", "bogus", /Team type must be/],
        ["companyName", "Acme", /Only enterprise teams have a company name/],
      ] as [string, string, RegExp][]
    ).map(([field, value, says]) => ({
      name: `${field} ${shown(value)}`,
      attempt: fill("edit", { ...alphaAsShown, [field]: value }),
      expected: onField(field, says),
    })),
    {
      name: "a version older than the customer's (someone changed it meanwhile)",
      attempt: fill(
        "edit",
        { ...alphaAsShown, teamName: "Renamed" },
        { privateMetadata: editMetadata({ customerId: alpha.customerId, updatedAt: 0 }) },
      ),
      expected: inModal(/Someone changed this customer after you opened the form/),
    },
    {
      name: "metadata naming a customer that does not exist",
      attempt: fill(
        "edit",
        { ...alphaAsShown, teamName: "Renamed" },
        { privateMetadata: editMetadata({ customerId: missing, updatedAt: 1 }) },
      ),
      expected: inModal(/Customer CUS-ZZZZZZZZ no longer exists/),
    },
    {
      name: "metadata without the version",
      attempt: fill(
        "edit",
        { ...alphaAsShown, teamName: "Renamed" },
        { privateMetadata: editMetadata({ customerId: alpha.customerId }) },
      ),
      expected: inModal(/does not say which customer it edits/),
    },
  ];
  runGroup(editGroup, cases);
});

// ---------------------------------------------------------------------------------------------
const reasonCases: [string, RegExp][] = [
  ["", /Give a reason/],
  ["   ", /Give a reason/],
  ["r".repeat(501), /The reason is 501 characters; the most is 500/],
  ["r".repeat(5000), /The reason is 5000 characters; the most is 500/],
  ["refund\u0000", /control characters/],
  ["refund\u0007\u001B[2J", /control characters/],
  ...invisibleCharacters.map((character): [string, RegExp] => [character, /Give a reason/]),
  [invisibleCharacters.join(""), /Give a reason/],
  ["\u200B \u3164\n\u2800", /Give a reason/],
  ["\u034F", /The reason has no visible characters/],
];
/** Comments the approve form refuses (an empty one, or one of invisible characters only, is no comment). */
const badComments: [string, RegExp][] = [
  ["ok\u0000", /The comment contains control characters/],
  ["ok\u0007\u001B[2J", /The comment contains control characters/],
  ["\u202Eko", /The comment contains control characters/],
  ["fine \u2066by me\u2069", /The comment contains control characters/],
  ["\u034F", /The comment has no visible characters/],
  ["c".repeat(501), /The comment is 501 characters; the most is 500/],
  ["c".repeat(5000), /The comment is 5000 characters; the most is 500/],
];
const smallFormsGroup = new CaseGroup(
  "bad input / tag, invite, reject, reverse and approve form fields",
  "invalid tags, emails, reject and reversal reasons and approve comments shown on their field; nothing changes",
);
describe("the tag, invite, reject and approve forms", () => {
  const cases: FormCase[] = [
    ...[
      "VIP",
      "a".repeat(33),
      "-vip",
      ".*",
      "$where",
      '{"$ne":null}',
      "vip tag",
      "\u0000vip",
      "\u202Evip",
      "٥",
    ].map((tag) => ({
      name: `tag ${shown(tag)}`,
      attempt: fill("tag", { tag }),
      expected: onField("tag", /Not a valid tag/),
    })),
    ...[
      "not-an-email",
      "ana@",
      `${"a".repeat(250)}@example.com`,
      "ana\u0000@example.com",
      '{"$gt":""}',
      ".*",
      "ana@example.com, bob@example.com",
      "٥@example.com",
      "\u202Eana@example.com",
    ].map((email) => ({
      name: `invite email ${shown(email)}`,
      attempt: fill("invite", { email }),
      expected: onField("email", /Enter an email address such as ana@example\.com/),
    })),
    ...reasonCases.map(([reason, says]) => ({
      name: `reject reason ${shown(reason)}`,
      attempt: fill("reject", { reason }, { user: users.manager }),
      expected: onField("reason", says),
    })),
    ...reasonCases.map(([reason, says]) => ({
      name: `reverse reason ${shown(reason)}`,
      attempt: fill("reverse", { reason }),
      expected: onField("reason", says),
    })),
    ...badComments.map(([comment, says]) => ({
      name: `approve comment ${shown(comment)}`,
      attempt: fill("approve", { comment }, { user: users.manager }),
      expected: onField("comment", says),
    })),
  ];
  runGroup(smallFormsGroup, cases);
});

// ---------------------------------------------------------------------------------------------
const notAnAmount = /is not an amount/;
const formAmounts: [string, RegExp][] = [
  ["1e5", notAnAmount],
  ["NaN", notAnAmount],
  ["Infinity", notAnAmount],
  ["0x10", notAnAmount],
  ["--5", notAnAmount],
  ["5..0", notAnAmount],
  ["99999999999999999999", /too large/],
  ["1000000000.01", /too large/],
  ["0.001", /too many decimals/],
  ["$", notAnAmount],
  [",", notAnAmount],
  ["٥", notAnAmount],
  ["", /Enter an amount/],
  ["   ", /Enter an amount/],
  ['{"$gt":""}', notAnAmount],
  ["5 000", notAnAmount],
  ["1,00", notAnAmount],
  ...["€50", "£50", "¥5000", "₿1", "₹50", "50 EUR", "€0", "CA$5"].map(
    (amount): [string, RegExp] => [
      amount,
      /is in another currency: amounts here are in USD \(\$\)/,
    ],
  ),
];
const moneyGroup = new CaseGroup(
  "bad input / balance and credits form fields",
  "each malformed or extreme amount, direction and reason shown on its field; refusals only audited; no money moves",
);
describe("the balance and credits forms", () => {
  const refill = { direction: "refill", amount: "5", reason: "goodwill" };
  const target = { amount: "5", reason: "goodwill" };
  const cases: FormCase[] = [
    ...[
      ...formAmounts,
      ["-0", /more than zero/] as [string, RegExp],
      ["0", /more than zero/] as [string, RegExp],
      ["+5", /without a sign/] as [string, RegExp],
      ["-5", /without a sign/] as [string, RegExp],
    ].map(([amount, says]) => ({
      name: `balance amount ${shown(amount)}`,
      attempt: fill("balance", { ...refill, amount }),
      expected: onField("amount", says),
    })),
    {
      name: "deduct more than the balance",
      attempt: fill("balance", { ...refill, direction: "deduct", amount: "1000" }),
      expected: onField(
        "amount",
        /Cannot deduct \$1,000\.00 from beta@example\.com: the balance is only \$0\.00/,
      ),
    },
    ...["sideways", undefined, '{"$ne":null}'].map((direction) => ({
      name: `balance direction ${shown(String(direction))}`,
      attempt: fill("balance", { ...refill, direction }),
      expected: onField("direction", /Choose Refill or Deduct/),
    })),
    ...reasonCases.map(([reason, says]) => ({
      name: `balance reason ${shown(reason)}`,
      attempt: fill("balance", { ...refill, reason }),
      expected: onField("reason", says),
    })),
    ...[
      ...formAmounts,
      ["-5", /cannot be negative/] as [string, RegExp],
      ["0", /already has \$0\.00 in credits/] as [string, RegExp],
      ["5000", /needs \$5,000\.00 from the credit pool, but only \$100\.00 is left/] as [
        string,
        RegExp,
      ],
    ].map(([amount, says]) => ({
      name: `credits amount ${shown(amount)}`,
      attempt: fill("credits", { ...target, amount }),
      expected: onField("amount", says),
    })),
    ...reasonCases.map(([reason, says]) => ({
      name: `credits reason ${shown(reason)}`,
      attempt: fill("credits", { ...target, reason }),
      expected: onField("reason", says),
    })),
  ];
  runGroup(moneyGroup, cases);
});

// ---------------------------------------------------------------------------------------------
const damaged = /This form is damaged or out of date/;
const structureGroup = new CaseGroup(
  "bad input / forms with blocks missing, wrong value types and bad private_metadata",
  "a damaged submission answered with a modal (or field error) that explains; nothing changes",
);
describe("damaged form submissions", () => {
  /** A submission of `form` with its real callback and metadata; `withBlocks` also sends its real blocks. */
  const handMade =
    (
      form: keyof typeof views,
      overrides: Partial<HandMadeView> & { withBlocks?: boolean },
      user?: string,
    ) =>
    () => {
      const { withBlocks, ...rest } = overrides;
      return submitHandMade(harness, user ?? users.support, {
        callback_id: String(views[form].callback_id),
        private_metadata: views[form].private_metadata,
        state: { values: {} },
        ...(withBlocks ? { blocks: views[form].blocks } : {}),
        ...rest,
      });
    };
  const validCreate = { ...freshCustomer, account: "never@example.com" };
  const cases: FormCase[] = [
    {
      name: "create: no blocks, no state",
      attempt: handMade("create", {}),
      expected: inModal(damaged),
    },
    {
      name: "create: real blocks, only the account sent",
      attempt: handMade("create", {
        withBlocks: true,
        state: { values: { account: stateValue.text("never@example.com") } },
      }),
      expected: inModal(damaged),
    },
    {
      name: "create: account sent as a number",
      attempt: handMade("create", {
        withBlocks: true,
        state: {
          values: {
            account: stateValue.text(42),
            teamName: stateValue.text("Never"),
            teamType: stateValue.select("individual"),
            companyName: stateValue.text(null),
            tag: stateValue.text(null),
          },
        },
      }),
      expected: onField("account", /Account is required/),
    },
    {
      name: "create: team type option value is an object",
      attempt: handMade("create", {
        withBlocks: true,
        state: {
          values: {
            account: stateValue.text("never@example.com"),
            teamName: stateValue.text("Never"),
            teamType: stateValue.select({ $ne: null }),
            companyName: stateValue.text(null),
            tag: stateValue.text(null),
          },
        },
      }),
      expected: onField("teamType", /Team type must be/),
    },
    {
      name: "edit: no blocks, no state",
      attempt: handMade("edit", {}),
      expected: inModal(damaged),
    },
    {
      name: "tag: no blocks, no state (must not clear the tag)",
      attempt: handMade("tag", {}),
      expected: inModal(damaged),
    },
    {
      name: "invite: no blocks, no state (must not create an any-email link)",
      attempt: handMade("invite", {}),
      expected: inModal(damaged),
    },
    {
      name: "balance: no blocks, no state",
      attempt: handMade("balance", {}),
      expected: inModal(damaged),
    },
    {
      name: "balance: amount sent as an array",
      attempt: handMade("balance", {
        withBlocks: true,
        state: {
          values: {
            direction: stateValue.select("refill"),
            amount: stateValue.text(["5"]),
            reason: stateValue.text("goodwill"),
          },
        },
      }),
      expected: onField("amount", /Enter an amount/),
    },
    {
      name: "credits: no blocks, no state",
      attempt: handMade("credits", {}),
      expected: inModal(damaged),
    },
    {
      name: "reject: no blocks, no state",
      attempt: handMade("reject", {}, users.manager),
      expected: inModal(damaged),
    },
    {
      name: "tag: real blocks, the tag input's state missing",
      attempt: handMade("tag", { withBlocks: true }),
      expected: inModal(damaged),
    },
    {
      name: "invite: real blocks, the email input's state missing",
      attempt: handMade("invite", { withBlocks: true }),
      expected: inModal(damaged),
    },
    {
      name: "reject: real blocks, state for an unknown block only",
      attempt: handMade(
        "reject",
        { withBlocks: true, state: { values: { $where: stateValue.text("1") } } },
        users.manager,
      ),
      expected: inModal(damaged),
    },
    ...(
      [
        ["not JSON", "not json"],
        ["empty (missing)", ""],
        ["3,000 characters", "x".repeat(3000)],
        ["JSON null", "null"],
        ["a JSON array", "[]"],
        ["a javascript: response URL", '{"responseUrl":"javascript:alert(1)"}'],
        ["an extra key", '{"extra":1}'],
        ["a customer ID in the wrong format", '{"customerId":"bogus"}'],
        ["a customer ID that is an operator", '{"customerId":{"$ne":null}}'],
        [
          "a 3,000-character response URL",
          JSON.stringify({ responseUrl: `https://x.test/${"a".repeat(2980)}` }),
        ],
      ] as [string, string][]
    ).map(([label, privateMetadata]) => ({
      name: `create: private_metadata ${label}`,
      attempt: fill("create", validCreate, { privateMetadata }),
      expected: inModal(damaged),
    })),
    ...(
      [
        ["not JSON", "{", damaged],
        [
          "updatedAt negative",
          editMetadata({ customerId: alpha.customerId, updatedAt: -1 }),
          damaged,
        ],
        [
          "updatedAt a string",
          editMetadata({ customerId: alpha.customerId, updatedAt: "1" }),
          damaged,
        ],
        [
          "customer ID lower-case",
          editMetadata({ customerId: alpha.customerId.toLowerCase(), updatedAt: 1 }),
          damaged,
        ],
      ] as [string, string, RegExp][]
    ).map(([label, privateMetadata, says]) => ({
      name: `edit: private_metadata ${label}`,
      attempt: fill("edit", { ...alphaAsShown, teamName: "Renamed" }, { privateMetadata }),
      expected: inModal(says),
    })),
    ...(
      [
        ["tag", { tag: "trial" }, "{}", /does not say which customer it tags/],
        ["tag", { tag: "trial" }, JSON.stringify({ customerId: missing }), /no longer exists/],
        ["tag", { tag: "trial" }, "[1,2,3]", damaged],
        ["invite", { email: "" }, "not json", damaged],
        [
          "balance",
          { direction: "refill", amount: "5", reason: "x" },
          "{}",
          /does not say which customer it is for/,
        ],
        [
          "balance",
          { direction: "refill", amount: "5", reason: "x" },
          JSON.stringify({ customerId: missing }),
          /Customer CUS-ZZZZZZZZ no longer exists/,
        ],
        [
          "balance",
          { direction: "refill", amount: "5", reason: "x" },
          '{"customerId":"CUS-ZZZZZZZZ","approvalId":"nope"}',
          damaged,
        ],
        ["credits", { amount: "5", reason: "x" }, "{}", /does not say which customer it is for/],
        [
          "credits",
          { amount: "5", reason: "x" },
          JSON.stringify({ customerId: missing }),
          /Customer CUS-ZZZZZZZZ no longer exists/,
        ],
        ["reject", { reason: "x" }, "{}", /does not say which request it rejects/],
        [
          "reject",
          { reason: "x" },
          JSON.stringify({ approvalId: "f".repeat(24) }),
          /That approval request does not exist/,
        ],
        ["reject", { reason: "x" }, JSON.stringify({ approvalId: "xyz" }), damaged],
        ["reject", { reason: "x" }, JSON.stringify({ approvalId: "F".repeat(24) }), damaged],
        ["approve", { comment: "x" }, "{}", /does not say which request it approves/],
        [
          "approve",
          { comment: "x" },
          JSON.stringify({ approvalId: "f".repeat(24) }),
          /That approval request does not exist/,
        ],
        ["approve", { comment: "x" }, JSON.stringify({ approvalId: "xyz" }), damaged],
        ["approve", { comment: "x" }, '{"approvalId":{"$ne":null}}', damaged],
      ] as [keyof typeof views, Record<string, string>, string, RegExp][]
    ).map(([form, values, privateMetadata, says]) => ({
      name: `${form}: private_metadata ${shown(privateMetadata, 40)}`,
      attempt: fill(form, values, {
        privateMetadata,
        user: form === "reject" || form === "approve" ? users.manager : users.support,
      }),
      expected: inModal(says),
    })),
    ...(
      [
        ["reject", { reason: "again" }],
        ["approve", { comment: "too late" }],
      ] as [keyof typeof views, Record<string, string>][]
    ).map(([form, values]) => ({
      name: `${form}: private_metadata naming an already-rejected request`,
      // The request is rejected in beforeAll, after the cases are made: its ID is read when run.
      attempt: () =>
        fill(form, values, {
          user: users.manager,
          privateMetadata: JSON.stringify({ approvalId: rejectedApprovalId }),
        })(),
      expected: inModal(/already rejected/),
    })),
  ];
  runGroup(structureGroup, cases);
});

const pickerGroup = new CaseGroup(
  "bad input / the customer picker's submitted value",
  "a picked value that is not an internal ID, or names nobody, is an error on the picker; nothing changes",
);
describe("forms with the customer picker", () => {
  const pickedValues: [string, RegExp][] = [
    ["CUS-ZZZZZZZZ", /That customer no longer exists/],
    [alpha.customerId.toLowerCase(), /Pick a customer from the list/],
    [` ${alpha.customerId}`, /Pick a customer from the list/],
    ['{"$ne":null}', /Pick a customer from the list/],
    ["alpha@example.com", /Pick a customer from the list/],
    ["CUS-*", /Pick a customer from the list/],
  ];
  const forms: [keyof typeof views, Record<string, string>][] = [
    ["pickedBalance", { direction: "refill", amount: "5", reason: "picked" }],
    ["pickedTag", { tag: "picked" }],
    ["pickCard", {}],
  ];
  const cases: FormCase[] = forms.flatMap(([form, values]) => [
    {
      name: `${form}: no customer picked`,
      attempt: fill(form, values),
      expected: onField("customer", /Pick a customer from the list/),
    },
    ...pickedValues.map(([customer, says]) => ({
      name: `${form}: picked ${shown(customer)}`,
      attempt: fill(form, { ...values, customer }),
      expected: onField("customer", says),
    })),
  ]);
  runGroup(pickerGroup, cases);
});

it("the pending request used by the reject and approve forms is still pending, with no approval given", async () => {
  const approval = await harness.db
    .collection("approvals")
    .findOne({ state: "pending", customerId: gamma.customerId });
  expect(approval?._id.toHexString()).toBe(pendingApprovalId);
  expect(approval?.approvals ?? []).toEqual([]);
});
