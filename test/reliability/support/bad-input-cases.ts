/**
 * One bad-input case, checked three ways: (a) the person gets a specific answer (the expected text,
 * where expected — on the right field for modals — and never the generic error, a stack trace or a
 * file path); (b) no collection changed, except refusals added to `audit_events` and keys added to
 * `idempotency_keys`; (c) the app still answers `/customer help` afterwards.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Customer } from "../../../src/customers/customer.js";
import { type Harness, users } from "../../support/app-harness.js";
import { aCustomer, insertCustomers } from "../../support/customer-fixtures.js";
import { mrkdwnTexts, rawMarkupIn } from "../../support/mrkdwn-leaks.js";
import { type Answer, type AnswerKind, leaksIn, runCommand } from "./bad-input-driver.js";
import { recordScenario } from "./scenario-report.js";
import { type AllowedAdditions, snapshotChanges, snapshotDatabase } from "./snapshot.js";

export interface Expected {
  /** What the answer must say. */
  says: RegExp;
  /** For modal submissions: the field the error must be on (`response_action: errors`). */
  field?: string;
  /** How the answer may arrive; by default a message, field errors or a replacing modal. */
  kinds?: AnswerKind[];
  /** What the answer must not say. */
  never?: RegExp;
}

const defaultKinds: AnswerKind[] = ["message", "field-errors", "modal-update"];

export function answerProblems(answer: Answer, expected: Expected): string[] {
  const problems: string[] = [];
  const kinds = expected.field ? ["field-errors" as const] : (expected.kinds ?? defaultKinds);
  if (!kinds.includes(answer.kind))
    problems.push(
      `answered as ${answer.kind}${answer.httpStatus ? ` (HTTP ${answer.httpStatus})` : ""}, expected ${kinds.join(" or ")}`,
    );
  const text = expected.field ? (answer.fieldErrors?.[expected.field] ?? "") : answer.text;
  if (!expected.says.test(text)) {
    const seen = expected.field && !text ? `${answer.kind}: ${answer.text}` : text;
    problems.push(
      `${expected.field ? `the ${expected.field} field says` : "the answer says"} “${clip(seen)}”, expected ${expected.says}`,
    );
  }
  if (expected.never?.test(answer.text))
    problems.push(`the answer says “${clip(answer.text)}”, which must not match ${expected.never}`);
  problems.push(...leaksIn(answer.text));
  return problems;
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

/** Runs one attempt and returns what went wrong (empty when it behaved). */
export async function checkBadInput(
  harness: Harness,
  attempt: () => Promise<Answer>,
  expected: Expected,
  options: { allowed?: AllowedAdditions } = {},
): Promise<string[]> {
  const before = await snapshotDatabase(harness.db);
  let answer: Answer;
  try {
    answer = await attempt();
  } catch (error) {
    return [`the attempt itself failed: ${String(error)}`];
  }
  const problems = answerProblems(answer, expected);
  const after = await snapshotDatabase(harness.db);
  problems.push(...snapshotChanges(before, after, options.allowed));
  const help = await runCommand(harness, users.support, "help");
  if (help.kind !== "message" || !help.text.includes("/customer list"))
    problems.push(`afterwards /customer help answered ${help.kind}: “${clip(help.text)}”`);
  return problems;
}

/** The cases of one group: each case's outcome, then one row in the reliability report. */
export class CaseGroup {
  private readonly outcomes: { label: string; problems: string[] }[] = [];

  constructor(
    readonly scenario: string,
    readonly expected: string,
  ) {}

  add(label: string, problems: string[]): void {
    this.outcomes.push({ label, problems });
  }

  /** Records the group (attempts = cases run, observed = how many behaved) and asserts all did. */
  record(): void {
    const failed = this.outcomes.filter((outcome) => outcome.problems.length > 0);
    const behaved = this.outcomes.length - failed.length;
    const detail = failed
      .slice(0, 5)
      .map((outcome) => `${outcome.label}: ${outcome.problems[0]}`)
      .join("; ");
    recordScenario({
      scenario: this.scenario,
      attempts: this.outcomes.length,
      expected: this.expected,
      observed: `${behaved}/${this.outcomes.length} behaved${failed.length ? ` — failed: ${detail}${failed.length > 5 ? `; …and ${failed.length - 5} more` : ""}` : ""}`,
      pass: this.outcomes.length > 0 && failed.length === 0,
    });
  }
}

/** Makes control and invisible characters readable in test names. */
export function shown(text: string, max = 60): string {
  const escaped = JSON.stringify(text).slice(1, -1);
  return escaped.length > max ? `${escaped.slice(0, max)}…(${text.length} chars)` : escaped;
}

// ---------------------------------------------------------------------------------------------
/** A line of the bot's own that data must never be able to add to a message. */
const forgedLine = ":white_check_mark: Approved by";

/**
 * Customers the console wrote with Slack markup in their account, team or company (the console
 * takes any string), each case's answer checked for markup Slack would act on and for forged lines.
 */
export const markupCustomers = [
  aCustomer({ account: "<!channel> ana@acme.example", teamName: "<!here> team" }),
  aCustomer({ account: "<!here>@acme.example", companyName: "<!everyone> co" }),
  aCustomer({ account: "<@U123> bob@acme.example" }),
  aCustomer({ account: "<https://evil.example|click here>@acme.example" }),
  aCustomer({ account: `eve@acme.example\n${forgedLine} <@U1>` }),
  aCustomer({ account: "&lt;!channel&gt;@acme.example", teamName: "a\u2028<!channel>" }),
];

/** What an answer about such a customer did wrong: markup left to act, or a forged line of its own. */
function markupProblems(answer: Answer): string[] {
  const payload = answer.response?.body ?? answer.modal;
  const problems = rawMarkupIn(payload);
  for (const text of mrkdwnTexts(payload))
    if (text.split("\n").some((line) => line.startsWith(forgedLine)))
      problems.push(`a line passes for the bot's own: “${clip(text)}”`);
  return problems;
}

/**
 * The markup group of a bad-input file: `markupCustomers` inserted, then each attempt on each of them
 * checked by `checkBadInput` (it names the customer, changes nothing) and `markupProblems`, and the
 * group recorded as one row of the reliability report.
 */
export function describeMarkupCases(options: {
  harness: () => Harness;
  group: CaseGroup;
  attempts: (customer: Customer) => { name: string; attempt: () => Promise<Answer> }[];
  kinds: AnswerKind[];
}): void {
  const { group } = options;
  describe("console-written accounts with Slack markup", () => {
    beforeAll(() => insertCustomers(options.harness().db, markupCustomers));

    it.each(
      markupCustomers.flatMap((customer) =>
        options.attempts(customer).map(({ name, attempt }) => ({
          name: `${name} (${shown(customer.account, 40)})`,
          attempt,
        })),
      ),
    )("$name", async ({ name, attempt }) => {
      let answer: Answer | undefined;
      const problems = await checkBadInput(
        options.harness(),
        async () => {
          answer = await attempt();
          return answer;
        },
        { says: /acme\.example/, kinds: options.kinds },
      );
      if (answer) problems.push(...markupProblems(answer));
      group.add(name, problems);
      expect(problems).toEqual([]);
    });

    it(`records “${group.scenario}”`, () => group.record());
  });
}
