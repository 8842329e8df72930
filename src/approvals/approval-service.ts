import type { ClientSession, MongoClient } from "mongodb";
import type { AuditEvent } from "../audit/audit-event.js";
import type { AuditRepository } from "../audit/audit-repository.js";
import { authorize, recordRefusal } from "../audit/refusals.js";
import type { Actor } from "../auth/actor.js";
import { can } from "../auth/roles.js";
import type { CustomerRepository } from "../customers/customer-repository.js";
import { inTransaction, isDuplicateKey } from "../db/transaction.js";
import { AppError, personRef } from "../errors/app-error.js";
import type { ChangeContext, MoneyWriter } from "../ledger/money-writer.js";
import { type Currency, formatMoney } from "../money/currency.js";
import type { OutboxRepository } from "../outbox/outbox-repository.js";
import { type Owed, owedForDecision, owedForExpiry } from "../outbox/owed.js";
import type { CreditPool } from "../pool/credit-pool.js";
import {
  type Approval,
  type ApprovalKind,
  type GivenApproval,
  moneyFieldOf,
  type ReversedEntry,
  type SummedChanges,
} from "./approval.js";
import type { ApprovalRepository } from "./approval-repository.js";
import { reminderAfter, reminderTimes } from "./reminder-schedule.js";

export interface ApprovalRequest {
  kind: ApprovalKind;
  customerId: string;
  account: string;
  current: number;
  target: number;
  reason: string;
  requester: Actor;
  idempotencyKey: string;
  /** The Slack message the request was made from (a checked permalink), if any. */
  sourcePermalink?: string;
  summedWith?: SummedChanges;
  /** A reversal request's entry (kind "reversal"). */
  reverses?: ReversedEntry;
}

/** Reminders one sweep owes at most; the rest, longest-due first, at the next sweep. */
export const remindersPerSweep = 100;

/** The unique partial index that lets one entry have at most one pending reversal request. */
export const onePendingReversalPerEntry = "one_pending_reversal_per_entry";

/** Who the audit trail names for an expiry: no person decided it, the clock did. */
export const expiryActorId = "approval-expiry";

type RolledBack =
  | { kind: "stale" }
  | { kind: "pool-short"; left: number }
  | { kind: "below-zero"; field: "balance" | "credits"; found: number };

/** Thrown inside a transaction to undo it and say why (the driver aborts on any error). */
class RollBack extends Error {
  constructor(readonly outcome: RolledBack) {
    super(outcome.kind);
  }
}

/** The source fields to store with a request or its change: none when it came from no message. */
function sourceOf(from: { sourcePermalink?: string }): { sourcePermalink?: string } {
  return from.sourcePermalink ? { sourcePermalink: from.sourcePermalink } : {};
}

/** "Your credits request for ana@…": how a withdraw answer names the request (it may come as a DM). */
function yourRequest(approval: Approval): string {
  return `Your ${approval.kind} request for ${approval.account}`;
}

/** What became of a request that is no longer pending, as the start of a sentence. */
function alreadyClosed(approval: Approval): string {
  const by = approval.decidedBy ? ` by ${personRef(approval.decidedBy)}` : "";
  if (approval.state === "withdrawn") return `This request was withdrawn${by}`;
  return `This request is already ${approval.state}${by}`;
}

/** An approval as stored: who, in which role, when, and their comment only when they wrote one. */
function givenBy(approver: Actor, at: Date, comment: string | undefined): GivenApproval {
  return { by: approver.userId, role: approver.role, at, ...(comment ? { comment } : {}) };
}

/** "1 of 2" (and the comment) for a two-person request's approval audit record; the comment alone otherwise. */
function approvalDetail(approval: Approval, given: GivenApproval): string | undefined {
  const place = approval.approvalsNeeded === 2 ? `${approval.approvals.length} of 2` : undefined;
  const parts = [place, given.comment].filter((part) => part !== undefined);
  return parts.length > 0 ? parts.join(" — ") : undefined;
}

/** What a two-person approval adds to its ledger entry: the other approver and the comments. */
function approvalNotesOf(approval: Approval) {
  const [first, final] =
    approval.approvals.length === 2 ? approval.approvals : [undefined, approval.approvals[0]];
  return {
    approvedAlsoBy: first?.by,
    approvalComment: final?.comment,
    approvedAlsoComment: first?.comment,
  };
}

export type Decision =
  /** The first of two approvals: recorded, nothing applied yet. */
  | { kind: "first-approval"; approval: Approval }
  | { kind: "approved"; approval: Approval }
  | { kind: "rejected"; approval: Approval }
  | { kind: "stale"; approval: Approval }
  | { kind: "expired"; approval: Approval };

/**
 * The approval lifecycle: pending → approved | rejected | expired | stale | withdrawn. Every transition is a
 * guarded update on `state: "pending"`, so double clicks, concurrent clicks on several instances and
 * late clicks change nothing more; an approval's state change commits with the money it moves, its
 * audit record, and what it owes Slack (the outbox: a new request's post; a decision's or expiry's
 * message update and direct message to the requester, however it came about).
 */
export class ApprovalService {
  constructor(
    private readonly client: MongoClient,
    private readonly approvals: ApprovalRepository,
    private readonly customers: CustomerRepository,
    private readonly money: MoneyWriter,
    private readonly pool: CreditPool,
    private readonly audit: AuditRepository,
    private readonly options: { ttlMs: number; currency: Currency; dualApprovalLimit: number },
    private readonly now: () => Date,
    private readonly outbox: OutboxRepository,
  ) {}

  private money$(value: number): string {
    return formatMoney(value, this.options.currency);
  }

  /**
   * Stores a request (once per idempotency key) and records it in the audit trail. A reversal
   * request for an entry that already has a pending one is refused (`onePendingReversalPerEntry`).
   */
  async request(request: ApprovalRequest): Promise<{ approval: Approval; created: boolean }> {
    try {
      return await this.store(request);
    } catch (error) {
      if (!request.reverses || !isDuplicateKey(error, onePendingReversalPerEntry)) throw error;
      const repeat = await this.approvals.findByIdempotencyKey(request.idempotencyKey);
      if (repeat) return { approval: repeat, created: false };
      // An overdue request still holds the index until it is marked expired: mark it and try again.
      if ((await this.expireDue()).length > 0) return this.request(request);
      throw new AppError(
        "conflict",
        "A reversal of this entry is already waiting for approval; nothing more was requested.",
      );
    }
  }

  private async store(request: ApprovalRequest): Promise<{ approval: Approval; created: boolean }> {
    const requestedAt = this.now();
    const expiresAt = new Date(requestedAt.getTime() + this.options.ttlMs);
    const field = moneyFieldOf(request);
    const draft = {
      kind: request.kind,
      customerId: request.customerId,
      account: request.account,
      current: request.current,
      target: request.target,
      difference: request.target - request.current,
      poolLeftAtRequest: field === "credits" ? await this.pool.left() : null,
      reason: request.reason,
      requestedBy: request.requester.userId,
      requestedAt,
      expiresAt,
      remindAt: reminderTimes({ requestedAt, expiresAt })[0],
      state: "pending" as const,
      idempotencyKey: request.idempotencyKey,
      ...sourceOf(request),
      ...(request.summedWith ? { summedWith: request.summedWith } : {}),
      ...(request.reverses ? { reverses: request.reverses } : {}),
      // Above the limit (like BALANCE_APPROVAL_LIMIT: reaching it exactly is not above it).
      approvalsNeeded:
        Math.abs(request.target - request.current) > this.options.dualApprovalLimit
          ? (2 as const)
          : (1 as const),
      approvals: [],
    };
    try {
      const approval = await inTransaction(this.client, async (session) => {
        const inserted = await this.approvals.insert(draft, session);
        await this.audit.record(
          {
            at: requestedAt,
            actorId: request.requester.userId,
            actorRole: request.requester.role,
            action: `approval.request.${request.kind}`,
            outcome: "done",
            target: {
              customerId: request.customerId,
              account: request.account,
              approvalId: inserted.approvalId,
            },
            before: { [field]: request.current },
            after: { [field]: request.target },
            detail: request.reason.slice(0, 500),
            ...sourceOf(request),
          },
          session,
        );
        await this.outbox.enqueue(
          [{ kind: "approval.post", approvalId: inserted.approvalId }],
          session,
        );
        return inserted;
      });
      return { approval, created: true };
    } catch (error) {
      if (!isDuplicateKey(error, "idempotencyKey")) throw error;
      const existing = await this.approvals.findByIdempotencyKey(request.idempotencyKey);
      if (!existing) throw error;
      return { approval: existing, created: false };
    }
  }

  async get(approvalId: string): Promise<Approval> {
    const approval = await this.approvals.findById(approvalId);
    if (!approval) throw new AppError("not_found", "That approval request does not exist.");
    return approval;
  }

  /** The request stored with `idempotencyKey`, if one was: a repeat of the delivery that made it. */
  requestedWith(idempotencyKey: string): Promise<Approval | null> {
    return this.approvals.findByIdempotencyKey(idempotencyKey);
  }

  rememberMessage(approvalId: string, message: { channel: string; ts: string }): Promise<void> {
    return this.approvals.rememberMessage(approvalId, message);
  }

  listPending(limit = 20): Promise<{ approvals: Approval[]; total: number }> {
    return this.approvals.listPending(this.now(), limit);
  }

  /** Pending requests `viewerId` could decide (others' requests), soonest expiry first. */
  decidableBy(
    viewerId: string,
    limit: number,
    countCap: number,
  ): Promise<{ approvals: Approval[]; total: number }> {
    return this.approvals.decidableBy(viewerId, this.now(), limit, countCap);
  }

  /** `requesterId`'s own pending requests (which they may withdraw), newest first. */
  pendingOf(
    requesterId: string,
    limit: number,
    countCap: number,
  ): Promise<{ approvals: Approval[]; total: number }> {
    return this.approvals.pendingOf(requesterId, this.now(), limit, countCap);
  }

  /**
   * Approve: managers and admins, never the requester, each at most once per request; `comment`
   * (optional, cleaned) is kept with the approval. A request above DUAL_APPROVAL_LIMIT needs two
   * different approvers: the first approval is recorded (audited, the message updated) and nothing
   * moves; the final one applies the change. It applies only if the customer's value is still what
   * the request showed (else the request becomes stale) and, for credits, the pool has enough —
   * checked in the final approval's own transaction, with the money change.
   */
  async approve(approvalId: string, approver: Actor, comment?: string): Promise<Decision> {
    const pending = await this.approvable(approvalId, approver);
    const at = this.now();
    const given = givenBy(approver, at, comment);
    type Outcome = { kind: "first-approval" | "approved"; approval: Approval } | { kind: "lost" };
    const outcome = await inTransaction(this.client, async (session): Promise<Outcome> => {
      await this.audit.takeChainTurn(session);
      // Of two managers racing for the first slot, the one who loses it tries for the final one.
      const first =
        pending.approvalsNeeded === 2
          ? await this.approvals.recordFirstApproval(approvalId, given, session)
          : null;
      if (first) {
        await this.audit.record(this.approvalRecord(first, given), session);
        await this.outbox.enqueue(
          [
            { kind: "approval.update", approvalId },
            { kind: "home.refresh", userId: approver.userId },
          ],
          session,
        );
        return { kind: "first-approval", approval: first };
      }
      const claimed = await this.approvals.approveIfPendingAndNotOwn(approvalId, given, session);
      if (!claimed) return { kind: "lost" as const };
      return { kind: "approved", approval: await this.applyApproved(session, claimed, given) };
    }).catch((error: unknown) => {
      if (error instanceof RollBack) return error.outcome;
      throw error;
    });
    if (outcome.kind === "approved" || outcome.kind === "first-approval") return outcome;
    if (outcome.kind === "pool-short")
      throw await this.refuse(
        pending,
        approver,
        "approval.approve",
        `Cannot approve: this needs ${this.money$(pending.difference)} from the credit pool but it has only ${this.money$(outcome.left)} left. The request stays pending; reject it, or ask an admin to raise the pool total.`,
        "conflict",
      );
    if (outcome.kind === "below-zero")
      throw await this.refuse(
        pending,
        approver,
        "approval.approve",
        `Cannot approve: reversing this entry would take the customer's ${outcome.field} from ${this.money$(outcome.found)} to ${this.money$(outcome.found + pending.difference)}, below zero. The request stays pending; reject it, or approve it once the ${outcome.field} allows.`,
        "conflict",
      );
    if (outcome.kind === "stale") return this.markStale(approvalId, approver);
    // Decided, expired, or approved by this person on another click meanwhile: say which.
    await this.approvable(approvalId, approver);
    throw await this.refuse(
      pending,
      approver,
      "approval.approve",
      "This request was decided by someone else just now; nothing more was changed.",
      "conflict",
    );
  }

  /**
   * An approved reversal's change, in the approval's transaction: the compensating entry, the
   * balance or credits and the pool, through the money writer (`MoneyWriter.reverse`). The value
   * or pool going below zero rolls the approval back (the request stays pending); the entry
   * reversed meanwhile makes the request stale. Answers what `approve` expects of a money write.
   */
  private async applyReversal(
    session: ClientSession,
    claimed: Approval,
    context: ChangeContext,
  ): Promise<{ ok: true; poolLeft?: number } | { ok: false; poolLeft?: number }> {
    if (!claimed.reverses) throw new Error(`reversal request ${claimed.approvalId} has no entry`);
    const write = await this.money.reverse(
      session,
      { customerId: claimed.customerId, entryId: claimed.reverses.entryId },
      context,
    );
    if (write.ok) return write;
    if (write.why === "below-zero")
      throw new RollBack({ kind: "below-zero", field: write.field, found: write.found });
    if (write.why === "pool-short") return { ok: false, poolLeft: write.poolLeft };
    return { ok: false };
  }

  /**
   * The final approval's change, in its transaction: the money set only if still what the request
   * showed (and, for credits, only if the pool has enough; else RollBack undoes the approval too),
   * with the ledger entry naming the approvers and their comments, the decision's audit record and
   * what it owes Slack. Answers the approved request.
   */
  private async applyApproved(
    session: ClientSession,
    claimed: Approval,
    given: GivenApproval,
  ): Promise<Approval> {
    const approver = { userId: given.by, role: given.role };
    const context = {
      requester: { userId: claimed.requestedBy, role: null },
      approver,
      approvalId: claimed.approvalId,
      reason: claimed.reason,
      idempotencyKey: `approval:${claimed.approvalId}`,
      at: given.at,
      ...sourceOf(claimed),
      approvalNotes: approvalNotesOf(claimed),
      // The decision's own record goes in the same insert as the money change's.
      alsoAudit: [this.approvalRecord(claimed, given)],
    };
    const write =
      claimed.kind === "reversal"
        ? await this.applyReversal(session, claimed, context)
        : await this.money.setIfStill(
            session,
            claimed.kind,
            claimed.customerId,
            claimed.current,
            claimed.target,
            context,
          );
    if (!write.ok)
      throw new RollBack(
        write.poolLeft === undefined
          ? { kind: "stale" }
          : { kind: "pool-short", left: write.poolLeft },
      );
    await this.outbox.enqueue(owedForDecision(claimed, approver.userId), session);
    if (write.poolLeft === undefined) return claimed;
    await this.approvals.notePoolLeftAfter(claimed.approvalId, write.poolLeft, session);
    return { ...claimed, poolLeftAfter: write.poolLeft };
  }

  /** The `approval.approve` audit record of `given` on `after` (the request with it recorded). */
  private approvalRecord(after: Approval, given: GivenApproval): AuditEvent {
    const detail = approvalDetail(after, given);
    return {
      at: given.at,
      actorId: given.by,
      actorRole: given.role,
      action: "approval.approve",
      outcome: "done",
      target: {
        customerId: after.customerId,
        account: after.account,
        approvalId: after.approvalId,
      },
      ...(detail ? { detail } : {}),
    };
  }

  async reject(approvalId: string, decider: Actor, reason: string): Promise<Decision> {
    const pending = await this.pendingOrExplain(approvalId, decider, { allowOwn: true });
    const at = this.now();
    const rejected = await this.transition(
      { at, actor: decider, action: "approval.reject" },
      (session) => this.approvals.rejectIfPending(approvalId, decider.userId, reason, at, session),
      () => ({ detail: reason.slice(0, 500) }),
      (after) => owedForDecision(after, decider.userId),
    );
    if (rejected) return { kind: "rejected", approval: rejected };
    await this.pendingOrExplain(approvalId, decider, { allowOwn: true });
    throw await this.refuse(
      pending,
      decider,
      "approval.reject",
      "This request was decided by someone else just now; nothing was changed.",
      "conflict",
    );
  }

  /**
   * Withdraw: only the requester, only while the request is pending. The state change, its audit
   * record and what it owes Slack (the approvals-channel message updated without buttons, the
   * requester's Home refreshed) commit together. Pending requests reserve nothing (the pool moves
   * only on approval), so there is nothing to release.
   */
  async withdraw(approvalId: string, requester: Actor): Promise<Approval> {
    const pending = await this.withdrawableOrExplain(approvalId, requester);
    const at = this.now();
    const withdrawn = await this.transition(
      { at, actor: requester, action: "approval.withdraw" },
      (session) =>
        this.approvals.withdrawIfPendingAndOwn(approvalId, requester.userId, at, session),
      () => ({ before: { state: "pending" }, after: { state: "withdrawn" } }),
      () => [
        { kind: "approval.update", approvalId },
        { kind: "home.refresh", userId: requester.userId },
      ],
    );
    if (withdrawn) return withdrawn;
    // Decided or expired between the read and the guarded write: say what happened to it instead.
    await this.withdrawableOrExplain(approvalId, requester);
    throw await this.refuse(
      pending,
      requester,
      "approval.withdraw",
      `${yourRequest(pending)} was decided just now, so it was not withdrawn; nothing was changed.`,
      "conflict",
    );
  }

  /**
   * Marks every pending request past its expiry as expired, each with its audit record and its
   * Slack deliveries (message updated, requester told) in the same transaction; returns them.
   */
  async expireDue(): Promise<Approval[]> {
    const expired: Approval[] = [];
    const at = this.now();
    for (;;) {
      const approval = await this.transition(
        { at, actor: { userId: expiryActorId, role: null }, action: "approval.expire" },
        (session) => this.approvals.expireOneDue(at, session),
        (after) => ({ detail: `not decided before ${after.expiresAt.toISOString()}` }),
        (after) => owedForExpiry(after),
      );
      if (!approval) break;
      expired.push(approval);
    }
    return expired;
  }

  /**
   * Owes each pending request whose reminder is due one reply in its thread saying how long it has
   * left, and moves its reminder on (to one hour before its expiry, or to none) in the same
   * transaction, guarded on the reminder it read: of sweeps racing on several instances, one owes
   * it and the others write nothing. A request already overdue gets none (its expiry says so
   * instead). At most `remindersPerSweep` a call, the longest-due first; returns those reminded.
   */
  async remindDue(): Promise<Approval[]> {
    const at = this.now();
    const reminded: Approval[] = [];
    for (const approval of await this.approvals.dueReminders(at, remindersPerSweep)) {
      const due = approval.remindAt;
      if (!due) continue;
      const leftMs = approval.expiresAt.getTime() - at.getTime();
      const next = leftMs > 0 ? reminderAfter(approval, at) : undefined;
      const owed = await inTransaction(this.client, async (session) => {
        if (!(await this.approvals.moveReminderIfStill(approval.approvalId, due, next, session)))
          return false;
        if (leftMs <= 0) return false;
        await this.outbox.enqueue(
          [{ kind: "approval.reminder", approvalId: approval.approvalId, leftMs }],
          session,
        );
        return true;
      });
      if (owed) reminded.push(approval);
    }
    return reminded;
  }

  /**
   * The request, if `actor` may still decide it (the requester may reject their own); otherwise the
   * refusal, before a reason form is opened. An overdue request is expired here, not offered a form.
   */
  decidable(approvalId: string, actor: Actor): Promise<Approval> {
    return this.pendingOrExplain(approvalId, actor, { allowOwn: true });
  }

  /**
   * The request, if `actor` may still approve it: not their own, not already approved by them;
   * otherwise the (audited) refusal, before the approve form is opened.
   */
  async approvable(approvalId: string, actor: Actor): Promise<Approval> {
    const approval = await this.pendingOrExplain(approvalId, actor);
    if (approval.approvals.some((given) => given.by === actor.userId))
      throw await this.refuse(
        approval,
        actor,
        "approval.approve",
        "You already approved this request; a second manager must approve it. Nothing more was changed.",
        "conflict",
      );
    return approval;
  }

  /**
   * Refuses (and records) anyone who may not decide requests, before a reason form is opened for
   * them; `approvalId` when the button carried a well-formed one.
   */
  authorizeDecision(actor: Actor, approvalId: string | undefined): Promise<void> {
    return authorize(this.audit, "approvals.decide", {
      at: this.now(),
      actor,
      action: "approval.decide",
      ...(approvalId ? { target: { approvalId } } : {}),
      detail: "Only managers and admins can approve or reject requests.",
      what: "reject requests; only managers and admins can",
    });
  }

  /**
   * The request if it can still be decided by `actor`; otherwise a clear refusal. Someone without
   * the role, the requester approving their own request, and decided or expired requests are refused
   * here, and refusals are audited. An overdue request is marked expired on the spot.
   */
  private async pendingOrExplain(
    approvalId: string,
    actor: Actor,
    options: { allowOwn?: boolean } = {},
  ): Promise<Approval> {
    const approval = await this.get(approvalId);
    const refuse = (message: string, code: "forbidden" | "conflict" = "forbidden") =>
      this.refuse(approval, actor, "approval.decide", message, code);
    if (!can(actor.role, "approvals.decide"))
      throw await refuse("Only managers and admins can approve or reject requests.");
    if (approval.state === "pending" && approval.expiresAt <= this.now()) {
      await this.expireDue();
      throw await refuse(
        "This request expired before anyone decided it; nothing was changed. Ask for it again if it is still needed.",
        "conflict",
      );
    }
    if (approval.state !== "pending")
      throw await refuse(`${alreadyClosed(approval)}; nothing more was changed.`, "conflict");
    if (!options.allowOwn && approval.requestedBy === actor.userId) {
      throw await refuse(
        "You asked for this change, so someone else must approve it (four-eyes rule).",
      );
    }
    return approval;
  }

  /**
   * The request if `actor` may still withdraw it: they asked for it and it is pending and not
   * overdue. Otherwise a clear, audited refusal that says what happened to it; an overdue request is
   * marked expired on the spot.
   */
  private async withdrawableOrExplain(approvalId: string, actor: Actor): Promise<Approval> {
    const approval = await this.get(approvalId);
    const refuse = (message: string, code: "forbidden" | "conflict" = "conflict") =>
      this.refuse(approval, actor, "approval.withdraw", message, code);
    if (approval.requestedBy !== actor.userId || !can(actor.role, "customers.write"))
      throw await refuse(
        `Only the person who asked for this change (${personRef(approval.requestedBy)}) can withdraw it; nothing was changed.`,
        "forbidden",
      );
    if (approval.state === "pending" && approval.expiresAt <= this.now()) {
      await this.expireDue();
      throw await refuse(
        `${yourRequest(approval)} expired before it was withdrawn; nothing was changed. Ask again if it is still needed.`,
      );
    }
    if (approval.state === "withdrawn")
      throw await refuse(
        `${yourRequest(approval)} was already withdrawn; nothing more was changed.`,
      );
    if (approval.state !== "pending") {
      const by = approval.decidedBy ? ` by ${personRef(approval.decidedBy)}` : "";
      throw await refuse(
        `${yourRequest(approval)} is already ${approval.state}${by}, so it can no longer be withdrawn; nothing was changed.`,
      );
    }
    return approval;
  }

  /**
   * One guarded state change in one transaction with its audit record and what it owes Slack; null
   * (and nothing written) when the guard matched nothing, i.e. someone else got there first.
   */
  private transition(
    record: { at: Date; actor: Actor; action: string },
    change: (session: ClientSession) => Promise<Approval | null>,
    details: (after: Approval) => Pick<AuditEvent, "before" | "after" | "detail">,
    owed: (after: Approval) => Owed[],
  ): Promise<Approval | null> {
    return inTransaction(this.client, async (session) => {
      const after = await change(session);
      if (!after) return null;
      await this.audit.record(
        {
          at: record.at,
          actorId: record.actor.userId,
          actorRole: record.actor.role,
          action: record.action,
          outcome: "done",
          target: {
            customerId: after.customerId,
            account: after.account,
            approvalId: after.approvalId,
          },
          ...details(after),
        },
        session,
      );
      await this.outbox.enqueue(owed(after), session);
      return after;
    });
  }

  /** Records a refused decision in the audit trail and returns the answer to give. */
  private async refuse(
    approval: Approval,
    actor: Actor,
    action: string,
    message: string,
    code: "forbidden" | "conflict",
  ): Promise<AppError> {
    await recordRefusal(this.audit, {
      at: this.now(),
      actor,
      action,
      target: {
        customerId: approval.customerId,
        account: approval.account,
        approvalId: approval.approvalId,
      },
      detail: message,
    });
    return new AppError(code, message);
  }

  private async markStale(approvalId: string, decider: Actor): Promise<Decision> {
    const pending = await this.get(approvalId);
    const customer = await this.customers.findByCustomerId(pending.customerId);
    const found = pending.kind === "reversal" ? undefined : customer?.[moneyFieldOf(pending)];
    const at = this.now();
    const stale = await inTransaction(this.client, async (session) => {
      const after = await this.approvals.markStaleIfPending(
        approvalId,
        decider.userId,
        found,
        at,
        session,
      );
      if (!after) return null;
      await recordRefusal(
        this.audit,
        {
          at,
          actor: decider,
          action: "approval.stale",
          target: { customerId: after.customerId, approvalId },
          detail: after.reverses
            ? `entry ${after.reverses.entryId} was reversed already, or can no longer be reversed`
            : `value changed since the request: expected ${after.current}, found ${found ?? "no customer"}`,
        },
        session,
      );
      await this.outbox.enqueue(owedForDecision(after, decider.userId), session);
      return after;
    });
    if (!stale)
      throw new AppError(
        "conflict",
        "This request was decided by someone else just now; nothing more was changed.",
      );
    return { kind: "stale", approval: stale };
  }
}
