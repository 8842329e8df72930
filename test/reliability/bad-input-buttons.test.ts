/**
 * Bad input, part 3: forged button values — tampered page cursors, references to customers,
 * password resets, invites and approval requests that do not exist (or are someone else's, or
 * already decided), wrong types, extra keys, empty and 5,000-character values. Every case must get
 * a specific answer, change nothing and leave the app answering.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slackEventsPath } from "../../src/app/http-server.js";
import { type Harness, signingSecret, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { postedRequest } from "../support/money-helpers.js";
import {
  blockActionsPayload,
  formContentType,
  interactionBody,
  postSigned,
} from "../support/slack/sign-request.js";
import { buttonLabelled } from "../support/slack-blocks.js";
import { CaseGroup, checkBadInput, describeMarkupCases, shown } from "./support/bad-input-cases.js";
import { type Press, pressButton, runCommand } from "./support/bad-input-driver.js";
import { snapshotChanges, snapshotDatabase } from "./support/snapshot.js";

let harness: Harness;
const alpha = aCustomer({ account: "alpha@example.com", teamName: "Alpha Team" });
const beta = aCustomer({ account: "beta@example.com", teamName: "Beta Team" });
const gamma = aCustomer({ account: "gamma@example.com" });
const delta = aCustomer({ account: "delta@example.com" });
const A = alpha.customerId;
const missing = "CUS-ZZZZZZZZ";

/**
 * References made in beforeAll: someone else's pending password, a cancelled one, a revoked invite
 * and a rejected request.
 */
const refs = { supportsReset: "", cancelledReset: "", revokedInvite: "", rejectedRequest: "" };

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [alpha, beta, gamma, delta]);
  await runCommand(harness, users.admin, "pool set 100");

  const offer = await runCommand(harness, users.support, `password ${A}`);
  refs.supportsReset = String(
    buttonLabelled(offer.response?.body.blocks, "Confirm new password").value,
  );
  const cancelled = await runCommand(harness, users.support, `password ${beta.customerId}`);
  const cancel = buttonLabelled(cancelled.response?.body.blocks, "Cancel");
  refs.cancelledReset = String(cancel.value);
  await pressButton(harness, users.support, cancel);

  await runCommand(harness, users.support, "invite");
  const invites = await runCommand(harness, users.support, "invites");
  const revoke = buttonLabelled(invites.response?.body.blocks, "Revoke");
  refs.revokedInvite = String(revoke.value);
  await pressButton(harness, users.support, revoke);

  await runCommand(harness, users.support, `credits ${delta.customerId} 2 please`);
  const request = await postedRequest(harness, delta.account);
  const reject = buttonLabelled(request.args.blocks, "Reject");
  refs.rejectedRequest = String(reject.value);
  const opened = await pressButton(harness, users.manager, reject);
  if (!opened.modal) throw new Error(`Reject opened no form: ${opened.text}`);
  await harness.submitModal(users.manager, opened.modal, { reason: "not now" });
});
afterAll(() => harness.stop());

interface ButtonCase {
  name: string;
  press: () => Press;
  says: RegExp;
  never?: RegExp;
  user?: string;
}

function runGroup(group: CaseGroup, cases: ButtonCase[]) {
  it.each(cases)("$name", async ({ name, press, says, never, user }) => {
    const problems = await checkBadInput(
      harness,
      () => pressButton(harness, user ?? users.support, press()),
      { says, never, kinds: ["message"] },
    );
    group.add(name, problems);
    expect(problems).toEqual([]);
  });
  it(`records “${group.scenario}” (${cases.length} cases)`, () => group.record());
}

/** Values every kind of button is tried with: wrong types, empty, huge, operators. */
const junkValues: [string, unknown][] = [
  ["an empty string", ""],
  ["no value", undefined],
  ["a number", 42],
  ["an object", { $ne: null }],
  ["5,000 characters", "x".repeat(5000)],
  ["not JSON", "not json"],
  ['{"$ne":null}', '{"$ne":null}'],
];

// ---------------------------------------------------------------------------------------------
const cursorGroup = new CaseGroup(
  "bad input / tampered page cursors (list, billing, history Previous/Next)",
  "every tampered cursor refused (“That page button is not valid”) or answered with a page that says what it is; nothing changes",
);
describe("page cursors", () => {
  const listPage = /That page button is not valid\. Run `\/customer list` again/;
  /** A position a Next button could carry (createdAt in ms, _id in hex). */
  const somewhere = [1767225600000, "0123456789abcdef01234567"];
  const at = (value: Record<string, unknown>) => JSON.stringify({ ...value, a: somewhere });
  const listCursors: [string, unknown][] = [
    ...junkValues,
    ["JSON null", "null"],
    ["a JSON array", "[]"],
    ["a JSON number", "42"],
    // From here on each carries a valid position, so the named defect is what makes it invalid.
    ["a negative page", '{"p":-1,"a":[1767225600000,"0123456789abcdef01234567"]}'],
    ["a fractional page", '{"p":1.5,"a":[1767225600000,"0123456789abcdef01234567"]}'],
    ["a page as a string", '{"p":"1","a":[1767225600000,"0123456789abcdef01234567"]}'],
    ["a page over the maximum", '{"p":100001,"a":[1767225600000,"0123456789abcdef01234567"]}'],
    ["an overflowing page", '{"p":1e400,"a":[1767225600000,"0123456789abcdef01234567"]}'],
    ["a page of 2^53", `{"p":${2 ** 53},"a":[1767225600000,"0123456789abcdef01234567"]}`],
    ["no page", '{"q":"a","a":[1767225600000,"0123456789abcdef01234567"]}'],
    ["a null page", '{"p":null,"a":[1767225600000,"0123456789abcdef01234567"]}'],
    ["an extra key", at({ p: 1, x: 1 })],
    ["a __proto__ key", `{"p":1,"a":${JSON.stringify(somewhere)},"__proto__":{"admin":true}}`],
    ["an operator as search text", at({ p: 1, q: { $gt: "" } })],
    ["search text as an array", at({ p: 1, q: ["a"] })],
    ["an unknown team type", at({ p: 1, t: "bogus" })],
    ["an unknown status", at({ p: 1, s: "maybe" })],
    ["an invalid tag", at({ p: 1, g: "BAD TAG" })],
    ["an operator as tag", at({ p: 1, g: { $ne: null } })],
    ["201 characters of search text", at({ p: 1, q: "x".repeat(201) })],
    ["no position", '{"p":1}'],
    ["both positions", JSON.stringify({ p: 1, a: somewhere, b: somewhere })],
    ["a position as a string", '{"p":1,"a":"1767225600000"}'],
    ["a position without its _id", '{"p":1,"a":[1767225600000]}'],
    ["a position with an extra element", JSON.stringify({ p: 1, a: [...somewhere, 1] })],
    ["a fractional position date", '{"p":1,"a":[1.5,"0123456789abcdef01234567"]}'],
    ["a position date past what a date holds", '{"p":1,"a":[1e16,"0123456789abcdef01234567"]}'],
    ["a position date as text", '{"p":1,"a":["2026-01-01","0123456789abcdef01234567"]}'],
    ["a position _id that is not an ObjectId", '{"p":1,"a":[0,"not-an-object-id-at-all!"]}'],
    ["an upper-case position _id", '{"p":1,"a":[0,"0123456789ABCDEF01234567"]}'],
    ["an operator as position _id", '{"p":1,"a":[0,{"$gt":""}]}'],
  ];
  const customerPage = (what: "billing" | "history") =>
    new RegExp(`That page button is not valid\\. Run \`/customer ${what} REF\` again`);
  /** A well-formed billing/history cursor: customer, entry time (ms) and ID, direction, page. */
  const cursor = { c: A, a: Date.UTC(2026, 0, 1), i: "a".repeat(24), d: "o", n: 2 };
  const forged = (changes: object) => JSON.stringify({ ...cursor, ...changes });
  const customerCursors: [string, unknown, RegExp | null][] = [
    ...junkValues.map(([label, value]) => [label, value, null] as [string, unknown, null]),
    [
      "a customer that does not exist",
      forged({ c: missing }),
      /Customer CUS-ZZZZZZZZ no longer exists/,
    ],
    ["a customer ID in the wrong format", forged({ c: "bogus" }), null],
    ["a lower-case customer ID", forged({ c: A.toLowerCase() }), null],
    ["an operator as customer", forged({ c: { $ne: null } }), null],
    ["an operator as time", forged({ a: { $gt: 0 } }), null],
    ["a time as a string", forged({ a: "2026-01-01" }), null],
    ["a time past what a date holds", forged({ a: 9e15 }), null],
    ["an entry ID that is not 24 hex digits", forged({ i: "not-an-id" }), null],
    ["an operator as entry ID", forged({ i: { $gt: "" } }), null],
    ["an unknown direction", forged({ d: "sideways" }), null],
    ["page 0", forged({ n: 0 }), null],
    ["a page as a string", forged({ n: "2" }), null],
    ["a page over the maximum", forged({ n: 100001 }), null],
    ["no entry ID", JSON.stringify({ c: A, a: cursor.a, d: "o", n: 2 }), null],
    ["the old page format", JSON.stringify({ c: A, p: 0 }), null],
    ["an extra key", forged({ x: 1 }), null],
  ];
  runGroup(cursorGroup, [
    ...listCursors.map(([label, value]) => ({
      name: `list Next with ${label}`,
      press: () => ({ action_id: "customers_list_page:next", value }),
      says: listPage,
    })),
    {
      name: "list Next with a regex as search text (matched literally)",
      press: () => ({ action_id: "customers_list_page:next", value: at({ p: 1, q: ".*" }) }),
      says: /No customers — matching “\.\*”/,
    },
    ...(
      [
        [
          "Next",
          "a position past the oldest customer",
          '{"p":99999,"a":[0,"000000000000000000000000"]}',
        ],
        [
          "Previous",
          "a position before the newest customer",
          '{"p":5,"b":[8640000000000000,"ffffffffffffffffffffffff"]}',
        ],
      ] as const
    ).map(([button, label, value]) => ({
      name: `list ${button} with ${label}`,
      press: () => ({ action_id: `customers_list_page:${button.toLowerCase()}`, value }),
      says: /\*4\* customers — all customers · page 1 of 1/,
      never: /page (100000|6)/,
    })),
    ...(["billing", "history"] as const).flatMap((what) =>
      customerCursors.map(([label, value, says]) => ({
        name: `${what} Next with ${label}`,
        press: () => ({ action_id: `${what}_page:next`, value }),
        says: says ?? customerPage(what),
      })),
    ),
    ...(["billing", "history"] as const).flatMap((what) =>
      (["o", "n"] as const).map((d) => ({
        name: `${what} ${d === "o" ? "Next" : "Previous"} with a well-formed cursor naming none of the customer's entries`,
        press: () => ({
          action_id: `${what}_page:${d === "o" ? "next" : "previous"}`,
          value: forged({ d }),
        }),
        says: customerPage(what),
        never: /Billing details ·|History ·/,
      })),
    ),
  ]);
});

// ---------------------------------------------------------------------------------------------
const cardButtons = [
  "customer_show",
  "customer_edit",
  "customer_balance",
  "customer_credits",
  "customer_tag",
  "customer_password",
  "customer_billing",
  "customer_history",
  "customer_enable",
  "customer_disable",
];
const notACustomer = /That button does not name a customer\. Look the customer up again/;
const customerGroup = new CaseGroup(
  "bad input / forged customer references (Open and every card button)",
  "a reference to a customer that does not exist, or no reference at all, answered specifically; no form opens; nothing changes",
);
describe("customer references on Open and the card's buttons", () => {
  runGroup(customerGroup, [
    ...cardButtons.flatMap((actionId) => [
      {
        name: `${actionId} with a customer that does not exist`,
        press: () => ({ action_id: actionId, value: missing }),
        says: /Customer CUS-ZZZZZZZZ no longer exists/,
      },
      {
        name: `${actionId} with an operator`,
        press: () => ({ action_id: actionId, value: '{"$ne":null}' }),
        says: notACustomer,
      },
      {
        name: `${actionId} with 5,000 characters`,
        press: () => ({ action_id: actionId, value: "C".repeat(5000) }),
        says: notACustomer,
      },
    ]),
    ...(
      [
        ["an empty string", ""],
        ["no value", undefined],
        ["a number", 42],
        ["an array", [A]],
        ["an object", { customerId: A }],
        ["a lower-case ID", A.toLowerCase()],
        ["an account instead of an ID", alpha.account],
        ["look-alike characters", "CUS-0OIL1111"],
        ["a trailing space", `${A} `],
        ["a control character", `${A}\u0000`],
        ["a zero-width space", `${A}\u200B`],
        ["an RTL override", `\u202E${A}`],
        ["a regex", "CUS-.*"],
      ] as [string, unknown][]
    ).map(([label, value]) => ({
      name: `Open with ${label}`,
      press: () => ({ action_id: "customer_show", value }),
      says: notACustomer,
    })),
    {
      name: "Open with extra keys on the action (a missing customer)",
      press: () => ({
        action_id: "customer_show",
        value: missing,
        extra: { $where: "1", selected_option: { value: A } },
      }),
      says: /Customer CUS-ZZZZZZZZ no longer exists/,
    },
  ]);
});

// ---------------------------------------------------------------------------------------------
const notAReset = /That button does not name a password reset/;
const notAnInvite = /That is not an invite reference/;
const notARequest = /That button does not name an approval request/;
const referenceGroup = new CaseGroup(
  "bad input / forged password, invite, approval and ledger entry references",
  "unknown, someone else's, already closed and malformed references answered specifically; nothing is confirmed, revoked, approved, rejected or reversed",
);
describe("password, invite and approval references", () => {
  const passwordButtons = ["password_confirm", "password_replace", "password_cancel"];
  runGroup(referenceGroup, [
    ...passwordButtons.flatMap((actionId): ButtonCase[] => [
      ...junkValues.map(([label, value]) => ({
        name: `${actionId} with ${label}`,
        press: () => ({ action_id: actionId, value }),
        says: notAReset,
      })),
      {
        name: `${actionId} with an unknown reset`,
        press: () => ({ action_id: actionId, value: "A".repeat(22) }),
        says: /That password is no longer known/,
      },
      {
        name: `${actionId} with someone else's reset`,
        press: () => ({ action_id: actionId, value: refs.supportsReset }),
        says: /Only the person who generated this password/,
        user: users.manager,
      },
      {
        name: `${actionId} with a cancelled reset`,
        press: () => ({ action_id: actionId, value: refs.cancelledReset }),
        says: /This password was cancelled/,
      },
    ]),
    ...[
      ...junkValues.map(
        ([label, value]) => [label, value, notAnInvite] as [string, unknown, RegExp],
      ),
      ["12 characters", "aaaaaaaaaaaa", notAnInvite] as [string, unknown, RegExp],
      ["an upper-case ID", "F".repeat(24), /no longer open/] as [string, unknown, RegExp],
    ].map(([label, value, says]) => ({
      name: `invite_revoke with ${label}`,
      press: () => ({ action_id: "invite_revoke", value }),
      says,
    })),
    {
      name: "invite_revoke with an invite that does not exist",
      press: () => ({ action_id: "invite_revoke", value: "f".repeat(24) }),
      says: /That invite is no longer open/,
    },
    {
      name: "invite_revoke with an invite already revoked",
      press: () => ({ action_id: "invite_revoke", value: refs.revokedInvite }),
      says: /That invite is no longer open/,
    },
    ...["approval_approve", "approval_reject"].flatMap((actionId): ButtonCase[] => [
      ...[
        ...junkValues,
        ["an upper-case ID", "F".repeat(24)] as [string, unknown],
        ["23 hex digits", "f".repeat(23)] as [string, unknown],
      ].map(([label, value]) => ({
        name: `${actionId} with ${label}`,
        press: () => ({ action_id: actionId, value }),
        says: notARequest,
        user: users.manager,
      })),
      {
        name: `${actionId} with a request that does not exist`,
        press: () => ({ action_id: actionId, value: "f".repeat(24) }),
        says: /That approval request does not exist/,
        user: users.manager,
      },
      {
        name: `${actionId} with another request that was already rejected`,
        press: () => ({ action_id: actionId, value: refs.rejectedRequest }),
        says: /This request is already rejected/,
        user: users.manager,
      },
    ]),
    ...[
      ...junkValues,
      ["an upper-case ID", "F".repeat(24)] as [string, unknown],
      ["23 hex digits", "f".repeat(23)] as [string, unknown],
    ].map(([label, value]) => ({
      name: `ledger_reverse with ${label}`,
      press: () => ({ action_id: "ledger_reverse", value }),
      says: /That button does not name a ledger entry/,
    })),
    {
      name: "ledger_reverse with an entry that does not exist",
      press: () => ({ action_id: "ledger_reverse", value: "f".repeat(24) }),
      says: /not one of this customer's ledger entries/,
    },
  ]);
});

it("the references the cases used are untouched", async () => {
  const resets = harness.db.collection("password_resets");
  expect(await resets.findOne({ _id: refs.supportsReset as never })).toMatchObject({
    state: "pending",
  });
  expect(shown(refs.rejectedRequest)).toMatch(/^[0-9a-f]{24}$/);
});

// ---------------------------------------------------------------------------------------------
const noUserGroup = new CaseGroup(
  "bad input / button presses that name no user",
  "each acked with HTTP 200 at once, answered nothing, changed nothing (not even a refusal) and logged",
);
describe("button presses that name no user", () => {
  const noUser: [string, Record<string, unknown>][] = [
    ["no user", {}],
    ["user null", { user: null }],
    ["user a string", { user: users.manager }],
    ["user without an id", { user: { name: "mallory" } }],
    ["a numeric user id", { user: { id: 42 } }],
  ];
  it.each(noUser)("a press of List with %s", async (label, user) => {
    const problems: string[] = [];
    const before = await snapshotDatabase(harness.db);
    const responseUrl = harness.slack.responseUrl();
    const { user: _user, ...payload } = blockActionsPayload({
      userId: users.manager,
      responseUrl,
      action: { action_id: "menu_list", value: A },
    });
    const started = Date.now();
    const { status } = await postSigned(
      `${harness.baseUrl}${slackEventsPath}`,
      signingSecret,
      interactionBody({ ...payload, ...user }),
      formContentType,
    );
    if (status !== 200) problems.push(`answered HTTP ${status}`);
    if (Date.now() - started > 2_000) problems.push(`acked after ${Date.now() - started} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const answers = harness.slack.responsesTo(responseUrl);
    if (answers.length > 0) problems.push(`answered ${answers.length} times on its response_url`);
    problems.push(...snapshotChanges(before, await snapshotDatabase(harness.db), {}));
    const help = await runCommand(harness, users.support, "help");
    if (!help.text.includes("/customer list")) problems.push("afterwards /customer help failed");
    noUserGroup.add(label, problems);
    expect(problems).toEqual([]);
  });
  it(`records “${noUserGroup.scenario}” (${noUser.length} cases)`, () => noUserGroup.record());
});

const markupGroup = new CaseGroup(
  "bad input / console-written accounts with Slack markup (card, billing, history buttons and the forms they open)",
  "every answer and form shows the markup as text (no @channel, mention or link acts) and no data line passes for the bot's own; nothing changes",
);
describeMarkupCases({
  harness: () => harness,
  group: markupGroup,
  attempts: (customer) =>
    [
      "customer_show",
      "customer_billing",
      "customer_history",
      "customer_balance",
      "customer_credits",
      "customer_tag",
    ].map((actionId) => ({
      name: actionId,
      attempt: () =>
        pressButton(harness, users.support, { action_id: actionId, value: customer.customerId }),
    })),
  kinds: ["message", "modal-opened"],
});
