import type { Role } from "../auth/roles.js";
import type { MoneyField } from "../customers/customer-repository.js";
import type { LedgerKind } from "../ledger/ledger-entry.js";

export const approvalStates = [
  "pending",
  "approved",
  "rejected",
  "expired",
  "stale",
  "withdrawn",
] as const;
export type ApprovalState = (typeof approvalStates)[number];
export const approvalKinds = ["credits", "balance", "reversal"] as const;
export type ApprovalKind = (typeof approvalKinds)[number];

/** What a reversal request undoes: one ledger entry, as it was when the request was made. */
export interface ReversedEntry {
  /** The entry's ID (24 hex). */
  entryId: string;
  /** Which of the customer's values the entry moved. */
  kind: MoneyField;
  /** The entry's signed amount; the reversal writes its opposite. */
  amount: number;
  entryKind: LedgerKind;
  /** When the entry was written, and who asked for it. */
  at: Date;
  actorId: string;
}

/**
 * The requester's earlier direct balance changes to the customer that a request was summed with:
 * together with it they would pass BALANCE_APPROVAL_LIMIT within the rolling 24 hours.
 */
export interface SummedChanges {
  /** BALANCE_APPROVAL_LIMIT when asked. */
  limit: number;
  /** How many earlier changes, and their amounts summed by absolute value. */
  count: number;
  total: number;
  /** The latest of them, newest first (a bounded few). */
  latest: { at: Date; amount: number; reason: string }[];
}

/** One manager's or admin's approval of a request (a two-person request collects two). */
export interface GivenApproval {
  by: string;
  role: Role | null;
  at: Date;
  /** What they wrote with it (the approve form's optional comment), cleaned. */
  comment?: string;
}

/** A money change waiting for a manager (PRODUCT.md §4). Values in integer minor units. */
export interface Approval {
  approvalId: string;
  kind: ApprovalKind;
  customerId: string;
  account: string;
  /** The customer's value when asked; the change applies only if it is still this. */
  current: number;
  target: number;
  /** target − current. */
  difference: number;
  /** Pool left when asked (credits only), for the message. */
  poolLeftAtRequest: number | null;
  reason: string;
  requestedBy: string;
  requestedAt: Date;
  expiresAt: Date;
  state: ApprovalState;
  /** Who decided it (for a withdrawn request: the requester, who withdrew it). */
  decidedBy?: string;
  decidedAt?: Date;
  rejectReason?: string;
  /** For stale requests: the value found instead of `current`. */
  foundValue?: number;
  /** After approval: what the pool had left (credits). */
  poolLeftAfter?: number;
  message?: { channel: string; ts: string };
  idempotencyKey: string;
  /** The Slack message the request was made from (a permalink), when it was made from one. */
  sourcePermalink?: string;
  /** Set when the change became a request only because of the requester's earlier changes (24 h). */
  summedWith?: SummedChanges;
  /**
   * When the request's next reminder in its thread is due (halfway to its expiry, then one hour
   * before it; see reminder-schedule.ts); unset once none is left, and on requests made before
   * reminders existed (they get none).
   */
  remindAt?: Date;
  /**
   * A reversal's entry (kind "reversal"): `current` and `target` are the customer's value when
   * asked and that value with the entry undone, `difference` the signed change the reversal makes.
   */
  reverses?: ReversedEntry;
  /** Approvals it needs: 2 above DUAL_APPROVAL_LIMIT (decided when asked; older requests: 1). */
  approvalsNeeded: 1 | 2;
  /** The approvals given so far, in order; the last of a decided request is `decidedBy`'s. */
  approvals: GivenApproval[];
}

/** The customer's value a request changes: its kind, or for a reversal the entry's. */
export function moneyFieldOf(approval: Pick<Approval, "kind" | "reverses">): MoneyField {
  if (approval.kind !== "reversal") return approval.kind;
  if (!approval.reverses) throw new Error("a reversal request without its entry");
  return approval.reverses.kind;
}
