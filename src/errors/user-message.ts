import { databaseFailure } from "../db/database-failure.js";
import { isAppError } from "./app-error.js";

export const databaseUnavailableMessage =
  "The customer database is not reachable right now, so nothing was changed. Please try again in a minute.";

/** What the user is told for an error: an AppError's own message, or a generic one with a reference. */
export function userMessageFor(error: unknown, requestId: string): string {
  if (isAppError(error)) return error.userMessage;
  const failure = databaseFailure(error);
  if (failure === "unavailable") return databaseUnavailableMessage;
  if (failure === "outcome-unknown")
    return `The customer database stopped answering while saving this, so it may or may not have been saved (ref: ${requestId}). Check the customer's history before trying again, so the change is not made twice.`;
  return `Something went wrong on our side (ref: ${requestId}). Please try again; if it keeps happening, give this ref to the bot's operators.`;
}

/** Unexpected errors are logged with details; expected ones (AppError) only at debug level. */
export function isUnexpected(error: unknown): boolean {
  return !isAppError(error);
}
