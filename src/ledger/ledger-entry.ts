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
  /** On a reversal: the ID (24 hex) of the entry it undoes (its amount is that entry's opposite). */
  reverses?: string;
  /**
   * On a reversed entry: the ID of the reversal. Set once, after the entry was chained, so it is
   * not part of the entry's hash (`ledgerUnhashedFields`); verify checks the links both ways.
   */
  reversedBy?: string;
}

/** An entry ID as a button, a form or a reversal carries it: 24 hex digits. */
export const entryIdPattern = /^[0-9a-f]{24}$/;

/** A ledger entry as read back, with its ID (24 hex). */
export type StoredLedgerEntry = LedgerEntry & { entryId: string };

/** The one field a ledger entry's hash leaves out (besides `_id` and `hash`): set after it was chained. */
export const ledgerUnhashedFields = ["reversedBy"] as const;

/** An entry as the money writer stores it: a link of its customer's chain (README “The ledger's hash chain”). */
export type ChainedLedgerEntry = LedgerEntry & ChainLink;

export function isBalanceKind(kind: LedgerKind): boolean {
  return kind === "balance.refill" || kind === "balance.deduct";
}

/** Which of the customer's values an entry of `kind` moves. */
export function fieldOfKind(kind: LedgerKind): "balance" | "credits" {
  return isBalanceKind(kind) ? "balance" : "credits";
}

/**
 * Whether a reversal of the entry may be asked for: it moved money, is not a reversal itself and
 * was not reversed already. (Usage charges are not ledger entries: they are never reversed here.)
 */
export function isReversible(entry: LedgerEntry): boolean {
  return entry.amount !== 0 && entry.reverses === undefined && entry.reversedBy === undefined;
}
