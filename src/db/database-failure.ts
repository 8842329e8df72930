import {
  MongoError,
  MongoErrorLabel,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
} from "mongodb";

/**
 * The socket error the driver lets through unwrapped when it writes to a connection MongoDB has just
 * closed (a restart, a step-down): the write failed, so the command never reached the server.
 */
const writeToClosedConnection = "EPIPE";

/** How deep `cause` chains are followed (they are short; this only guards against cycles). */
const maxWrapping = 5;

/** No usable connection: the server could not be selected, or a connection failed or was dropped. */
function isConnectionFailure(error: Error): boolean {
  return (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    (error as NodeJS.ErrnoException).code === writeToClosedConnection
  );
}

/**
 * The error `error` wraps, if any: its `cause`, or — for a MongoBulkWriteError raised because a batch
 * failed on the connection rather than on the server — the driver error it keeps as `errorResponse`
 * (the bulk error copies that error's labels but not its class).
 */
function wrappedError(error: Error): unknown {
  if (error instanceof MongoServerError && error.errorResponse instanceof Error)
    return error.errorResponse;
  return error.cause;
}

export type DatabaseFailure = "unavailable" | "outcome-unknown";

/**
 * How MongoDB failed, decided by the driver's error types and labels wherever they are in the chain
 * of wrapped errors: "unavailable" when it could not be used and nothing was written (no connection,
 * a primary stepping down or shutting down, a transaction the server aborted); "outcome-unknown" for
 * a commit that may or may not have been applied, and for a write the primary made but could not get
 * acknowledged by the write concern. Null for anything else.
 */
export function databaseFailure(error: unknown, depth = 0): DatabaseFailure | null {
  if (!(error instanceof Error) || depth > maxWrapping) return null;
  if (error instanceof MongoWriteConcernError) return "outcome-unknown";
  if (error instanceof MongoError) {
    if (error.hasErrorLabel(MongoErrorLabel.UnknownTransactionCommitResult))
      return "outcome-unknown";
    if (
      error.hasErrorLabel(MongoErrorLabel.RetryableWriteError) ||
      error.hasErrorLabel(MongoErrorLabel.TransientTransactionError)
    )
      return "unavailable";
  }
  if (isConnectionFailure(error)) return "unavailable";
  return databaseFailure(wrappedError(error), depth + 1);
}
