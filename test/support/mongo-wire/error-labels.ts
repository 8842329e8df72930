/**
 * The error labels mongod attaches to a reply (4.4+), which drivers rely on to decide what to
 * retry: `TransientTransactionError` (run the whole transaction again) and `RetryableWriteError`
 * (send the same write or commit again). Drivers add `UnknownTransactionCommitResult` themselves.
 */
import type { Document } from "bson";

/** mongod's "RetriableError" category: the primary went away or the network failed. */
const RETRIABLE_CODES = new Set([
  6, 7, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436, 50915,
]);
/** Errors that mean "start the transaction again", whatever the command. */
const TRANSIENT_CODES = new Set([24, 112, 246, 267]);
const NO_SUCH_TRANSACTION = 251;

export interface LabelContext {
  /** The command ran inside a multi-document transaction (`autocommit: false`). */
  readonly inTransaction: boolean;
  readonly commitOrAbort: boolean;
  /** A retryable write: a write command carrying `txnNumber` outside a transaction. */
  readonly retryableWrite: boolean;
}

function codeOf(value: unknown): number | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const code = (value as Document).code;
  return typeof code === "number" ? code : undefined;
}

/** The labels mongod would add to `reply` (none for a clean success). */
export function serverErrorLabels(reply: Document, context: LabelContext): string[] {
  const failed = reply.ok !== 1;
  const code = failed ? codeOf(reply) : undefined;
  const concernCode = codeOf(reply.writeConcernError);
  if (code === undefined && concernCode === undefined) return [];
  const labels: string[] = [];
  if (context.inTransaction && code !== undefined) {
    const transient = context.commitOrAbort
      ? TRANSIENT_CODES.has(code) || (code === NO_SUCH_TRANSACTION && concernCode === undefined)
      : TRANSIENT_CODES.has(code) || RETRIABLE_CODES.has(code) || code === NO_SUCH_TRANSACTION;
    if (transient) labels.push("TransientTransactionError");
  }
  const retryable = context.retryableWrite || context.commitOrAbort;
  const retriable =
    (code !== undefined && RETRIABLE_CODES.has(code)) ||
    (concernCode !== undefined && RETRIABLE_CODES.has(concernCode));
  if (retryable && retriable) labels.push("RetryableWriteError");
  return labels;
}

/** The reply with the labels mongod would give it, unless it already carries labels. */
export function withErrorLabels(reply: Document, context: LabelContext): Document {
  if (reply.errorLabels !== undefined) return reply;
  const labels = serverErrorLabels(reply, context);
  return labels.length ? { ...reply, errorLabels: labels } : reply;
}
