/**
 * The authorization matrix: every subcommand, every button (Approve/Reject included) and every modal
 * submission, tried end to end by someone with no role, support, a manager, an admin and — where an
 * action belongs to someone — the requester themself. Allowed exactly where PRODUCT.md §5 and the
 * README's Roles table say (support: all but deciding requests and setting the pool; manager: also
 * approve/reject, never approve their own; admin: everything; no role: nothing), refused elsewhere
 * with a visible answer and a "refused" record in audit_events. One report row per action.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeEntryPage } from "../../src/blocks/entry-page-value.js";
import type { Customer } from "../../src/customers/customer.js";
import { collections } from "../../src/db/collections.js";
import { type Harness, type SentView, startHarness, users } from "../support/app-harness.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { postedRequest } from "../support/money-helpers.js";
import { buttonLabelled, type FoundButton } from "../support/slack-blocks.js";
import {
  type AllowedAnswer,
  checkCell,
  type MatrixRole,
  noAccess,
  type Refusal,
} from "./support/authorization-cells.js";
import {
  type Answer,
  pressButton,
  runCommand,
  submitOpenedModal,
} from "./support/bad-input-driver.js";
import { recordScenario } from "./support/scenario-report.js";

let harness: Harness;
const customers = Array.from({ length: 220 }, (_, i) =>
  aCustomer({ account: `matrix${i}@example.com`, teamName: `Matrix ${i}` }),
);
let handedOut = 0;
/** A customer no other cell has touched. */
function fresh(): Customer {
  const customer = customers[handedOut];
  handedOut += 1;
  if (!customer) throw new Error("seed more customers");
  return customer;
}

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, customers);
  await runCommand(harness, users.admin, "pool set 1000000");
});
afterAll(() => harness.stop());

const person: Record<Exclude<MatrixRole, "requester">, string> = {
  outsider: users.outsider,
  support: users.support,
  manager: users.manager,
  admin: users.admin,
};
const fourRoles: MatrixRole[] = ["outsider", "support", "manager", "admin"];
const staff: MatrixRole[] = ["support", "manager", "admin"];

/** Prepares a cell (as other people) and returns the attempt to make as the cell's user. */
type Prepare = (role: MatrixRole) => Promise<(userId: string) => Promise<Answer>>;

interface ActionRow {
  action: string;
  prepare: Prepare;
  allowed: MatrixRole[];
  answer: AllowedAnswer;
  /** Who “the requester itself” is, for actions that belong to someone. */
  requester?: (role: MatrixRole) => string;
  /** The refusal a role with a role (but not enough) gets. */
  refusal?: (role: MatrixRole) => Refusal;
}

// --- building blocks -------------------------------------------------------------------------

const command =
  (text: () => string): Prepare =>
  async () => {
    const typed = text();
    return (userId) => runCommand(harness, userId, typed);
  };

async function messageBlocks(userId: string, text: string): Promise<unknown> {
  const answer = await runCommand(harness, userId, text);
  if (answer.kind !== "message") throw new Error(`/customer ${text}: ${answer.kind}`);
  return answer.response?.body.blocks;
}

const press = (button: FoundButton) => (userId: string) => pressButton(harness, userId, button);

/** A button from a message support received (copied to whoever clicks it). */
const buttonFrom =
  (text: () => string, label: string): Prepare =>
  async () =>
    press(buttonLabelled(await messageBlocks(users.support, text()), label));

async function formFrom(opened: Promise<Answer>): Promise<SentView> {
  const answer = await opened;
  if (answer.kind !== "modal-opened" || !answer.modal)
    throw new Error(`expected a form, got ${answer.kind}: ${answer.text}`);
  return answer.modal;
}

/** A form support opened, submitted by the cell's user. */
const formSubmission =
  (open: () => Promise<Answer>, values: () => Record<string, string>): Prepare =>
  async () => {
    const view = await formFrom(open());
    const filled = values();
    return (userId) => submitOpenedModal(harness, userId, view, filled);
  };

/** A pending credits request by `requester`, as posted to the approvals channel. */
async function pendingRequestBy(requester: string): Promise<unknown> {
  const customer = fresh();
  await runCommand(harness, requester, `credits ${customer.customerId} 1 matrix request`);
  return (await postedRequest(harness, customer.account)).args.blocks;
}

const requesterOfDecisions = (role: MatrixRole) =>
  role === "requester" ? users.manager : users.groupSupport;

let created = 0;

// --- the table -------------------------------------------------------------------------------

const decideRefusal: Refusal = {
  says: /Only managers and admins can approve or reject requests/,
  audit: "approval.decide",
};

const rows: ActionRow[] = [
  // Subcommands
  {
    action: "/customer help",
    prepare: command(() => "help"),
    allowed: staff,
    answer: /\/customer list/,
  },
  {
    action: "/customer list",
    prepare: command(() => "list"),
    allowed: staff,
    answer: /customers — all customers/,
  },
  {
    action: "/customer show REF",
    prepare: async () => {
      const c = fresh();
      return (userId) => runCommand(harness, userId, `show ${c.customerId}`);
    },
    allowed: staff,
    answer: /Customer matrix\d+@example\.com \(CUS-/,
  },
  {
    action: "/customer REF",
    prepare: command(() => fresh().account),
    allowed: staff,
    answer: /Customer matrix\d+@example\.com \(CUS-/,
  },
  {
    action: "/customer create",
    prepare: command(() => "create"),
    allowed: staff,
    answer: { form: "customer_create" },
  },
  {
    action: "/customer edit REF",
    prepare: command(() => `edit ${fresh().customerId}`),
    allowed: staff,
    answer: { form: "customer_edit" },
  },
  {
    action: "/customer tag REF TAG",
    prepare: command(() => `tag ${fresh().customerId} gold`),
    allowed: staff,
    answer: /Tag of \*matrix\d+@example\.com\* set/,
  },
  {
    action: "/customer tag REF (form)",
    prepare: command(() => `tag ${fresh().customerId}`),
    allowed: staff,
    answer: { form: "customer_tag" },
  },
  {
    action: "/customer enable REF",
    prepare: command(() => `enable ${fresh().customerId}`),
    allowed: staff,
    answer: /is enabled/,
  },
  {
    action: "/customer disable REF",
    prepare: command(() => `disable ${fresh().customerId}`),
    allowed: staff,
    answer: /is disabled/,
  },
  {
    action: "/customer password REF",
    prepare: command(() => `password ${fresh().customerId}`),
    allowed: staff,
    answer: /New password for matrix\d+@example\.com/,
  },
  {
    action: "/customer invite",
    prepare: command(() => "invite"),
    allowed: staff,
    answer: /register\?invite=/,
  },
  {
    action: "/customer invite EMAIL",
    prepare: command(() => "invite someone@example.com"),
    allowed: staff,
    answer: /register\?invite=/,
  },
  {
    action: "/customer invites",
    prepare: command(() => "invites"),
    allowed: staff,
    answer: /open invites/,
  },
  {
    action: "/customer balance REF +N (within the limit)",
    prepare: command(() => `balance ${fresh().customerId} +1 matrix`),
    allowed: staff,
    answer: /Refilled \$1\.00/,
  },
  {
    action: "/customer balance REF +N (above the limit)",
    prepare: command(() => `balance ${fresh().customerId} +600 matrix`),
    allowed: staff,
    answer: /Approval requested|Refilled \$600\.00/,
  },
  {
    action: "/customer balance REF (form)",
    prepare: command(() => `balance ${fresh().customerId}`),
    allowed: staff,
    answer: { form: "customer_balance_form" },
  },
  {
    action: "/customer credits REF N",
    prepare: command(() => `credits ${fresh().customerId} 2 matrix`),
    allowed: staff,
    answer: /Approval requested/,
  },
  {
    action: "/customer credits REF (form)",
    prepare: command(() => `credits ${fresh().customerId}`),
    allowed: staff,
    answer: { form: "customer_credits_form" },
  },
  {
    action: "/customer billing REF",
    prepare: command(() => `billing ${fresh().customerId}`),
    allowed: staff,
    answer: /Billing details · matrix/,
  },
  {
    action: "/customer history REF",
    prepare: command(() => `history ${fresh().customerId}`),
    allowed: staff,
    answer: /History · matrix/,
  },
  {
    action: "/customer verify REF",
    prepare: command(() => `verify ${fresh().customerId}`),
    allowed: staff,
    answer: /Verified \*matrix/,
  },
  {
    action: "/customer pool",
    prepare: command(() => "pool"),
    allowed: staff,
    answer: /Platform credit pool/,
  },
  {
    action: "/customer pool set N",
    prepare: command(() => "pool set 1000000"),
    allowed: ["admin"],
    answer: /Credit pool total: .* → \*\$1,000,000\.00\*/,
    refusal: () => ({ says: /only admins can/, audit: "pool.setTotal" }),
  },
  {
    action: "/customer approvals",
    prepare: command(() => "approvals"),
    allowed: staff,
    answer: /Pending approvals/,
  },
  // link, links and unlink in one channel, one after another: no other row runs in it linked.
  {
    action: "/customer link REF",
    prepare: command(() => `link ${fresh().customerId}`),
    allowed: staff,
    answer: /is now linked to \*matrix\d+@example\.com\*/,
  },
  {
    action: "/customer links",
    prepare: command(() => "links"),
    allowed: staff,
    answer: /linked channels/i,
  },
  {
    action: "/customer unlink",
    prepare: command(() => "unlink"),
    allowed: staff,
    answer: /is no longer linked to|is not linked to a customer/,
  },

  // Buttons (each taken from a message support received)
  {
    action: "button List customers",
    prepare: buttonFrom(() => "help", "List customers"),
    allowed: staff,
    answer: /customers — all customers/,
  },
  {
    action: "button New customer",
    prepare: buttonFrom(() => "help", "New customer"),
    allowed: staff,
    answer: { form: "customer_create" },
  },
  {
    action: "button Invite customer",
    prepare: buttonFrom(() => "help", "Invite customer"),
    allowed: staff,
    answer: { form: "customer_invite" },
  },
  {
    action: "button Credit pool",
    prepare: buttonFrom(() => "help", "Credit pool"),
    allowed: staff,
    answer: /Platform credit pool/,
  },
  {
    action: "button Pending approvals",
    prepare: buttonFrom(() => "help", "Pending approvals"),
    allowed: staff,
    answer: /Pending approvals/,
  },
  {
    action: "button list Next",
    prepare: buttonFrom(() => "list", "Next"),
    allowed: staff,
    answer: /page 2 of/,
  },
  {
    action: "button Open",
    prepare: buttonFrom(() => "list", "Open"),
    allowed: staff,
    answer: /Customer matrix\d+@example\.com \(CUS-/,
  },
  ...(
    [
      ["Edit", { form: "customer_edit" }],
      ["Manage balance", { form: "customer_balance_form" }],
      ["Manage credits", { form: "customer_credits_form" }],
      ["Set tag", { form: "customer_tag" }],
      ["Reset password", /New password for matrix/],
      ["Billing details", /Billing details · matrix/],
      ["History", /History · matrix/],
      ["Disable", /is disabled/],
    ] as [string, AllowedAnswer][]
  ).map(([label, answer]) => ({
    action: `card button ${label}`,
    prepare: buttonFrom(() => `show ${fresh().customerId}`, label),
    allowed: staff,
    answer,
  })),
  {
    action: "card button Enable",
    prepare: async () => {
      const c = fresh();
      await runCommand(harness, users.support, `disable ${c.customerId}`);
      return press(
        buttonLabelled(await messageBlocks(users.support, `show ${c.customerId}`), "Enable"),
      );
    },
    allowed: staff,
    answer: /is enabled/,
  },
  ...(["billing", "history"] as const).map((what) => ({
    action: `button ${what} Next`,
    prepare: async () => {
      // A Next from the customer's one entry (nothing older: the newest page is shown).
      const { customerId } = fresh();
      const at = new Date();
      const { insertedId } = await harness.db
        .collection(what === "billing" ? collections.ledgerEntries : collections.auditEvents)
        .insertOne(
          what === "billing"
            ? {
                customerId,
                kind: "balance.refill",
                amount: 1,
                after: 1,
                currency: "USD",
                actorId: users.support,
                approvedBy: null,
                approvalId: null,
                reason: "matrix",
                idempotencyKey: `matrix-${customerId}`,
                at,
              }
            : {
                at,
                actorId: users.support,
                actorRole: "support",
                action: "customer.tag.set",
                outcome: "done",
                target: { customerId },
              },
        );
      const cursor = { at, id: insertedId.toHexString(), toward: "older" as const, page: 2 };
      return press({
        action_id: `${what}_page:next`,
        value: encodeEntryPage({ customerId, cursor }),
        text: "Next",
      });
    },
    allowed: staff,
    answer: what === "billing" ? /Billing details · matrix/ : /History · matrix/,
  })),
  ...(
    [
      ["Confirm new password", /is active/],
      ["Generate another", /New password for matrix/],
      ["Cancel", /Password reset for matrix\d+@example\.com cancelled/],
    ] as [string, RegExp][]
  ).map(([label, answer]) => {
    // One offer (by the requester) serves the refused cells, then the requester's own click uses it
    // up: generating a password hashes it with scrypt, so offers are not made per cell.
    let offer: FoundButton | undefined;
    return {
      action: `password button ${label}`,
      requester: () => users.groupSupport,
      prepare: async (role: MatrixRole) => {
        offer ??= buttonLabelled(
          await messageBlocks(users.groupSupport, `password ${fresh().customerId}`),
          label,
        );
        const button = offer;
        if (role === "requester") offer = undefined;
        return press(button);
      },
      allowed: ["requester"] as MatrixRole[],
      answer,
      refusal: () => ({
        says: /Only the person who generated this password/,
        audit: "customer.password.reset",
      }),
    };
  }),
  {
    action: "invite button Revoke",
    prepare: async () => {
      await runCommand(harness, users.support, "invite");
      return press(buttonLabelled(await messageBlocks(users.support, "invites"), "Revoke"));
    },
    allowed: staff,
    answer: /Revoked the invite/,
  },
  {
    action: "approval button Approve",
    requester: requesterOfDecisions,
    prepare: async (role) =>
      press(buttonLabelled(await pendingRequestBy(requesterOfDecisions(role)), "Approve")),
    allowed: ["manager", "admin"],
    answer: { form: "approval_approve_form" },
    refusal: (role) =>
      role === "requester"
        ? { says: /someone else must approve it \(four-eyes rule\)/, audit: "approval.decide" }
        : decideRefusal,
  },
  {
    action: "approval button Reject",
    requester: requesterOfDecisions,
    prepare: async (role) =>
      press(buttonLabelled(await pendingRequestBy(requesterOfDecisions(role)), "Reject")),
    allowed: ["manager", "admin", "requester"],
    answer: { form: "approval_reject_form" },
    refusal: () => ({ says: /only managers and admins can/i, audit: "approval.decide" }),
  },

  // Modal submissions (each form opened by support — or a manager for Reject — and submitted by the cell's user)
  {
    action: "form create",
    prepare: formSubmission(
      () => runCommand(harness, users.support, "create"),
      () => {
        created += 1;
        return {
          account: `created${created}@example.com`,
          teamName: "Matrix",
          teamType: "individual",
        };
      },
    ),
    allowed: staff,
    answer: /Created \*created\d+@example\.com\*/,
  },
  {
    action: "form edit",
    prepare: async () => {
      const c = fresh();
      const view = await formFrom(runCommand(harness, users.support, `edit ${c.customerId}`));
      return (userId) =>
        submitOpenedModal(harness, userId, view, {
          account: c.account,
          teamName: `Renamed ${c.teamName}`,
          teamType: c.teamType,
        });
    },
    allowed: staff,
    answer: /Saved \*matrix\d+@example\.com\*/,
  },
  {
    action: "form tag",
    prepare: formSubmission(
      () => runCommand(harness, users.support, `tag ${fresh().customerId}`),
      () => ({ tag: "gold" }),
    ),
    allowed: staff,
    answer: /Tag of \*matrix\d+@example\.com\* set/,
  },
  {
    action: "form invite",
    prepare: formSubmission(
      () => pressButton(harness, users.support, { action_id: "menu_invite" }),
      () => ({}),
    ),
    allowed: staff,
    answer: /register\?invite=/,
  },
  {
    action: "form balance",
    prepare: formSubmission(
      () => runCommand(harness, users.support, `balance ${fresh().customerId}`),
      () => ({ direction: "refill", amount: "1", reason: "matrix" }),
    ),
    allowed: staff,
    answer: /Refilled \$1\.00/,
  },
  {
    action: "form credits",
    prepare: formSubmission(
      () => runCommand(harness, users.support, `credits ${fresh().customerId}`),
      () => ({ amount: "3", reason: "matrix" }),
    ),
    allowed: staff,
    answer: /Approval requested/,
  },
  {
    action: "form reject",
    requester: requesterOfDecisions,
    prepare: async (role) => {
      const request = await pendingRequestBy(requesterOfDecisions(role));
      const view = await formFrom(
        pressButton(harness, users.manager, buttonLabelled(request, "Reject")),
      );
      return (userId) => submitOpenedModal(harness, userId, view, { reason: "matrix says no" });
    },
    allowed: ["manager", "admin", "requester"],
    answer: /Rejected matrix\d+@example\.com's credits request/,
    refusal: () => decideRefusal,
  },
  {
    action: "form approve",
    requester: requesterOfDecisions,
    prepare: async (role) => {
      const requester = requesterOfDecisions(role);
      const request = await pendingRequestBy(requester);
      const opener = requester === users.manager ? users.admin : users.manager;
      const view = await formFrom(pressButton(harness, opener, buttonLabelled(request, "Approve")));
      return (userId) => submitOpenedModal(harness, userId, view, { comment: "matrix says yes" });
    },
    allowed: ["manager", "admin"],
    answer: /Approved: matrix\d+@example\.com's credits are now set/,
    refusal: (role) =>
      role === "requester"
        ? { says: /someone else must approve it \(four-eyes rule\)/, audit: "approval.decide" }
        : decideRefusal,
  },
];

describe("authorization matrix", () => {
  it.each(rows)("$action", async (row) => {
    const roles: MatrixRole[] = row.requester ? [...fourRoles, "requester"] : fourRoles;
    const mismatches: string[] = [];
    for (const role of roles) {
      const userId = role === "requester" ? (row.requester?.(role) ?? "") : person[role];
      const go = await row.prepare(role);
      const allowed = row.allowed.includes(role);
      const refusal = role === "outsider" ? noAccess : row.refusal?.(role);
      const problems = allowed
        ? await checkCell(harness, userId, () => go(userId), { allowed: true, answer: row.answer })
        : await checkCell(harness, userId, () => go(userId), {
            allowed: false,
            refusal: refusal ?? { says: /cannot/ },
          });
      for (const problem of problems) mismatches.push(`${role}: ${problem}`);
    }
    const allowedText = roles.filter((role) => row.allowed.includes(role)).join(", ") || "nobody";
    recordScenario({
      scenario: `authorization / ${row.action}`,
      attempts: roles.length,
      expected: `allowed for ${allowedText}; everyone else refused with a message and a "refused" audit record`,
      observed:
        mismatches.length === 0
          ? `${roles.length}/${roles.length} roles as expected`
          : `${roles.length - new Set(mismatches.map((m) => m.split(":")[0])).size}/${roles.length} roles as expected — ${mismatches.join("; ")}`,
      pass: mismatches.length === 0,
    });
    expect(mismatches).toEqual([]);
  });

  it("covers every subcommand, button and form", () => {
    const actions = rows.map((row) => row.action).join("\n");
    for (const sub of [
      "help",
      "list",
      "show",
      "create",
      "edit",
      "tag",
      "enable",
      "disable",
      "password",
      "invite",
      "invites",
      "balance",
      "credits",
      "billing",
      "history",
      "verify",
      "pool",
      "pool set",
      "approvals",
      "link",
      "links",
      "unlink",
    ])
      expect(actions).toContain(`/customer ${sub}`);
    for (const form of ["create", "edit", "tag", "invite", "balance", "credits", "reject"])
      expect(actions).toContain(`form ${form}`);
    expect(rows.length).toBeGreaterThanOrEqual(50);
  });
});
