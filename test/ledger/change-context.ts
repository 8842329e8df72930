import type { ChangeContext } from "../../src/ledger/money-writer.js";
import { support } from "../support/repositories.js";

let keys = 0;

/** Why a test's money change is made: by support, unapproved, at `at`, with a fresh idempotency key. */
export function changeContext(at: Date, overrides: Partial<ChangeContext> = {}): ChangeContext {
  keys += 1;
  return {
    requester: support,
    approver: null,
    approvalId: null,
    reason: "customer asked",
    idempotencyKey: `change-${keys}`,
    at,
    ...overrides,
  };
}
