/**
 * One cell of the authorization matrix: an action tried end to end by one role, then checked against
 * what PRODUCT.md §5 / the README's Roles table allow — the visible answer, and the audit trail
 * (every refusal recorded with outcome "refused"; an allowed attempt records no refusal).
 */
import { collections } from "../../../src/db/collections.js";
import type { Harness } from "../../support/app-harness.js";
import { type Answer, leaksIn } from "./bad-input-driver.js";

export type MatrixRole = "outsider" | "support" | "manager" | "admin" | "requester";

/** What an allowed attempt shows: a message saying this, or the named form opening. */
export type AllowedAnswer = RegExp | { form: string };

export interface Refusal {
  /** What the refused person reads. */
  says: RegExp;
  /** The audit action of the refusal, when it is known. */
  audit?: string;
}

export const noAccess: Refusal = {
  says: /you don't have access to the customer bot/,
  audit: "access.refused",
};

async function refusalsBy(harness: Harness, userId: string) {
  return harness.db
    .collection(collections.auditEvents)
    .find({ actorId: userId, outcome: "refused" })
    .toArray();
}

/**
 * Runs `go` as `userId` and returns what did not match the expectation (empty when the cell behaved).
 * Refusals are counted from just before `go`, so preparation by others does not count.
 */
export async function checkCell(
  harness: Harness,
  userId: string,
  go: () => Promise<Answer>,
  expectation: { allowed: true; answer: AllowedAnswer } | { allowed: false; refusal: Refusal },
): Promise<string[]> {
  const before = (await refusalsBy(harness, userId)).length;
  const answer = await go();
  const added = (await refusalsBy(harness, userId)).slice(before);
  const problems = leaksIn(answer.text);
  const shown = `${answer.kind}: “${answer.text.replace(/\s+/g, " ").slice(0, 200)}”`;
  if (expectation.allowed) {
    const wanted = expectation.answer;
    if (wanted instanceof RegExp) {
      if (!wanted.test(answer.text)) problems.push(`allowed, expected ${wanted}, got ${shown}`);
    } else if (answer.kind !== "modal-opened" || answer.modal?.callback_id !== wanted.form) {
      problems.push(`allowed, expected the ${wanted.form} form to open, got ${shown}`);
    }
    if (added.length > 0)
      problems.push(
        `allowed, but refusals were recorded: ${added.map((e) => e.action).join(", ")}`,
      );
  } else {
    const { says, audit } = expectation.refusal;
    if (answer.kind === "modal-opened") problems.push(`refused, but a form opened: ${shown}`);
    if (!says.test(answer.text)) problems.push(`refused, expected ${says}, got ${shown}`);
    if (added.length === 0) problems.push("refused, but no refusal in audit_events");
    else if (audit && !added.some((event) => event.action === audit))
      problems.push(
        `refused, audit recorded ${added.map((e) => e.action).join(", ")}, expected ${audit}`,
      );
  }
  return problems;
}
