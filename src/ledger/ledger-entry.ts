import type { ChainLink } from "../hash-chain/chain.js";

export const ledgerKinds = [
  "balance.refill",
  "balance.deduct",
  "credits.grant",
  "credits.return",
] as const;
export type LedgerKind = (typeof ledgerKinds)[number];

/**
 * One change of a customer's balance or credits: append-only, integer minor units. `amount` is
 * signed (refills and grants positive, deductions and returns negative); `after` is the resulting
 * balance (balance kinds) or credits (credit kinds). The sum of a customer's balance entries is
 * their balance, and likewise for credits.
 */
export interface LedgerEntry {
  customerId: string;
  kind: LedgerKind;
  amount: number;
  after: number;
  currency: string;
  /** Who asked for the change. */
  actorId: string;
  /** The manager who approved it, when it went through an approval (of two approvers: the second). */
  approvedBy: string | null;
  /** The first approver of a two-person approval (DUAL_APPROVAL_LIMIT); absent otherwise. */
  approvedAlsoBy?: string;
  /** `approvedBy`'s comment on the approval, when they wrote one. */
  approvalComment?: string;
  /** `approvedAlsoBy`'s comment, when they wrote one. */
  approvedAlsoComment?: string;
  approvalId: string | null;
  reason: string;
  /** Unique: the same request never writes two entries. */
  idempotencyKey: string;
  at: Date;
  /** The Slack message the change was asked from (a permalink); entries written before had none. */
  sourcePermalink?: string;
}

/** An entry as the money writer stores it: a link of its customer's chain (README “The ledger's hash chain”). */
export type ChainedLedgerEntry = LedgerEntry & ChainLink;

export function isBalanceKind(kind: LedgerKind): boolean {
  return kind === "balance.refill" || kind === "balance.deduct";
}
