import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from "mongodb";
import { isAppError } from "./app-error.js";

export const databaseUnavailableMessage =
  "The customer database is not reachable right now, so nothing was changed. Please try again in a minute.";

/**
 * The socket error the driver lets through unwrapped when it writes to a connection MongoDB has just
 * closed (a restart, a step-down): the write failed, so the command never reached the server.
 */
const writeToClosedConnection = "EPIPE";

function isDatabaseUnavailable(error: unknown): boolean {
  return (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    (error instanceof Error && (error as NodeJS.ErrnoException).code === writeToClosedConnection)
  );
}

/** What the user is told for an error: an AppError's own message, or a generic one with a reference. */
export function userMessageFor(error: unknown, requestId: string): string {
  if (isAppError(error)) return error.userMessage;
  if (isDatabaseUnavailable(error)) return databaseUnavailableMessage;
  return `Something went wrong on our side (ref: ${requestId}). Please try again; if it keeps happening, give this ref to the bot's operators.`;
}

/** Unexpected errors are logged with details; expected ones (AppError) only at debug level. */
export function isUnexpected(error: unknown): boolean {
  return !isAppError(error);
}
