import type { Role } from "../auth/roles.js";

export const approvalStates = [
  "pending",
  "approved",
  "rejected",
  "expired",
  "stale",
  "withdrawn",
] as const;
export type ApprovalState = (typeof approvalStates)[number];
export const approvalKinds = ["credits", "balance"] as const;
export type ApprovalKind = (typeof approvalKinds)[number];

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
  /** Approvals it needs: 2 above DUAL_APPROVAL_LIMIT (decided when asked; older requests: 1). */
  approvalsNeeded: 1 | 2;
  /** The approvals given so far, in order; the last of a decided request is `decidedBy`'s. */
  approvals: GivenApproval[];
}
