import type { AuditEvent } from "../audit/audit-event.js";

/**
 * A change took a customer's balance from at or above LOW_BALANCE_THRESHOLD to below it (the
 * guarded update's before and after decide it, so each crossing is found once).
 */
export interface LowBalance {
  customerId: string;
  account: string;
  /** The balance after the change, and the threshold it fell below. */
  balance: number;
  threshold: number;
  /** The change: its signed amount, who asked and who approved it (null when it was direct). */
  amount: number;
  requestedBy: string;
  approvedBy: string | null;
  at: Date;
}

/**
 * Something the bot owes Slack because a change committed. Written to the outbox in the change's own
 * transaction (an aborted change owes nothing; a committed one always owes its message) and delivered
 * after, exactly once, by the poster. Domain code says *what* is owed; the Slack side decides how it
 * looks and where it goes.
 */
export type Owed =
  /** A new request, posted to the approvals channel. */
  | { kind: "approval.post"; approvalId: string }
  /** A request no longer pending: its approvals-channel message shows the outcome, without buttons. */
  | { kind: "approval.update"; approvalId: string }
  /**
   * A reply in the pending request's thread: still waiting for a manager, `leftMs` before it
   * expires (as the sweep that owed it found).
   */
  | { kind: "approval.reminder"; approvalId: string; leftMs: number }
  /** A reply in the expired request's thread: it expired without a decision. */
  | { kind: "approval.expiry"; approvalId: string }
  /** Its requester is told the outcome in a direct message. */
  | { kind: "approval.dm"; approvalId: string; userId: string }
  /** One line in the audit channel. */
  | { kind: "audit.line"; event: AuditEvent }
  /** One low-balance line, in the alerts channel or (without one) the audit channel. */
  | { kind: "balance.low"; to: "alerts" | "audit"; alert: LowBalance }
  /** Someone's App Home shows data that changed. */
  | { kind: "home.refresh"; userId: string };

export type OwedKind = Owed["kind"];

/**
 * Entries of one lane are delivered one at a time, oldest first, by one instance at a time: a lane
 * is a Slack conversation (the approvals channel, the audit channel, one person's DMs, one Home), so
 * order and pacing per channel follow.
 */
export function laneOf(owed: Owed): string {
  switch (owed.kind) {
    case "approval.post":
    case "approval.update":
    // After the request's post in the same lane, so the reply finds the message it threads under.
    case "approval.reminder":
    case "approval.expiry":
      return "approvals";
    case "approval.dm":
      return `dm:${owed.userId}`;
    case "audit.line":
      return "audit";
    case "balance.low":
      return owed.to;
    case "home.refresh":
      return `home:${owed.userId}`;
  }
}

/** Every decision owes its message updated and its requester told; the one who decided also gets a fresh Home. */
export function owedForDecision(
  approval: { approvalId: string; requestedBy: string },
  deciderId?: string,
): Owed[] {
  const owed: Owed[] = [
    { kind: "approval.update", approvalId: approval.approvalId },
    { kind: "approval.dm", approvalId: approval.approvalId, userId: approval.requestedBy },
  ];
  if (deciderId) owed.push({ kind: "home.refresh", userId: deciderId });
  return owed;
}

/** An expiry owes what a decision does (no one decided it), and a reply in its thread saying so. */
export function owedForExpiry(approval: { approvalId: string; requestedBy: string }): Owed[] {
  return [
    ...owedForDecision(approval),
    { kind: "approval.expiry", approvalId: approval.approvalId },
  ];
}
