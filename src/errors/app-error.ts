import { randomBytes } from "node:crypto";

/** The one error type of the app: a code for logs and tests, a message that is safe to show the user. */
export type AppErrorCode = "invalid_input" | "not_found" | "forbidden" | "conflict" | "unavailable";

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly userMessage: string;
  /** The form field the problem belongs to, when it came from one (shown on that field in a modal). */
  readonly field: string | undefined;

  constructor(
    code: AppErrorCode,
    userMessage: string,
    options?: { cause?: unknown; field?: string },
  ) {
    super(userMessage, options);
    this.name = "AppError";
    this.code = code;
    this.userMessage = userMessage;
    this.field = options?.field;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/**
 * How a user-safe message names a Slack user without Slack markup: the Slack side shows each such
 * reference as a mention (`buildErrorNotice`). The marker holds a value drawn when the process
 * starts, so data in a message (an account written as `{user:U…}`) cannot pass for one.
 */
const personRefMark = randomBytes(6).toString("hex");
export const personRef = (userId: string): string => `{user:${personRefMark}:${userId}}`;
export const personRefPattern = new RegExp(`\\{user:${personRefMark}:([A-Z0-9]+)\\}`, "g");

/** A user message with each person reference as the bare user ID (for logs and the audit trail). */
export const withPlainPersonRefs = (message: string): string =>
  message.replace(personRefPattern, "$1");
