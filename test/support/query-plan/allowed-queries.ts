/**
 * Queries the check lets through although the rules flag them. Each names its collection and its
 * shape exactly as the check prints it (`shapeText`).
 */
export interface AllowedQuery {
  readonly collection: string;
  readonly shape: string;
  readonly why: string;
}

/** Bounded by design: they read a handful of documents whatever the data grows to. */
export const boundedByDesign: readonly AllowedQuery[] = [
  {
    collection: "approvals",
    shape: "find {expiresAt: range, state: =} sort {requestedAt: -1} limit",
    why: "pending requests not yet expired: each expires within the approval TTL and the sweep closes overdue ones, so the set sorted in memory is the requests of one TTL (ApprovalRepository.listPending)",
  },
  {
    collection: "approvals",
    shape: "aggregate {expiresAt: range, state: =} counts all",
    why: "counts the same few pending, unexpired requests, walking pending_by_expiry from now (ApprovalRepository.listPending)",
  },
  {
    collection: "approvals",
    shape:
      "aggregate {difference: range, expiresAt: range, state: =, $or: [{kind: =} | {kind: =, reverses.kind: =}]} counts all",
    why: "sums the same few pending, unexpired requests (credit changes and reversals of credit returns), walking pending_by_expiry from now (ApprovalRepository.pendingCreditIncreases)",
  },
  {
    collection: "customers",
    shape: "find {} sort {createdAt: 1, _id: 1}",
    why: "the export reads every customer by design, once, in the order of newest_first reversed (no sort in memory), through a cursor (CustomerRepository.all)",
  },
  {
    collection: "audit_events",
    shape: "find {at: range, requestId: =, target.customerId: $in}",
    why: "an import's duplicate look-up: by_customer bounds it to the events of one batch's refused accounts (at most 1,000 customers) since the import started — a few per customer — and requestId only filters those (AuditRepository.eventsOfRequest)",
  },
  {
    collection: "outbox",
    shape: "aggregate {state: =} counts all",
    why: "the /metrics backlog gauge counts the pending entries through oldest_pending: the backlog the poster keeps small, whose growth is the alarm the gauge raises (OutboxRepository.backlog)",
  },
  {
    collection: "outbox",
    shape: "find {owed.approvalId: =, owed.kind: =, state: =} limit",
    why: "where a request's post landed, when the copy on the approval is missing: by_approval narrows it to that one request's entries (its post, update, DM, two reminders, expiry reply: a handful), and kind and state only filter those (OutboxRepository.postOf)",
  },
  {
    collection: "password_resets",
    shape: "aggregate {state: =} sort {createdAt: -1} counts all",
    why: "runs once, at start-up, only when building one_pending_per_customer found duplicates; pending passwords expire within the reset TTL, so there are few (closeOlderPendingPasswords)",
  },
];

/**
 * Offenders awaiting a fix, each naming the issue point that fixes it (empty: every query the app
 * sends is bounded by an index or by design). A fix that changes the shape leaves a stale entry,
 * which `staleAllowances` in the suite's summary names.
 */
export const awaitingFix: readonly (AllowedQuery & { fixedBy: string })[] = [];

export function allowanceFor(query: {
  collection: string;
  shape: string;
}): AllowedQuery | undefined {
  return [...boundedByDesign, ...awaitingFix].find(
    (allowed) => allowed.collection === query.collection && allowed.shape === query.shape,
  );
}

/** Allow-list entries no logged query matched (they can go, once a whole-suite run says so). */
export function staleAllowances(
  logged: readonly { collection: string; shape: string }[],
): AllowedQuery[] {
  return [...boundedByDesign, ...awaitingFix].filter(
    (allowed) =>
      !logged.some(
        (query) => query.collection === allowed.collection && query.shape === allowed.shape,
      ),
  );
}
