import type { Document } from "bson";

/** An error answered to the client in MongoDB's `{ ok: 0, errmsg, code, codeName }` shape. */
export class CommandError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly extra: Document = {},
  ) {
    super(message);
  }

  toReply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
}

export const badValue = (message: string) => new CommandError(2, "BadValue", message);

export const failedToParse = (message: string) => new CommandError(9, "FailedToParse", message);

export const typeMismatch = (message: string) => new CommandError(14, "TypeMismatch", message);

export const namespaceNotFound = (message: string) =>
  new CommandError(26, "NamespaceNotFound", message);

export const invalidNamespace = (message: string) =>
  new CommandError(73, "InvalidNamespace", message);

/** First writer wins: MongoDB's answer to a transaction that writes what another is writing. */
export function writeConflict(): CommandError {
  return new CommandError(
    112,
    "WriteConflict",
    "Caused by :: Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.",
  );
}

export function noSuchTransaction(txnNumber: number): CommandError {
  return new CommandError(
    251,
    "NoSuchTransaction",
    `Transaction with { txnNumber: ${txnNumber} } has been aborted or was never started.`,
  );
}

export function unsupported(what: string): CommandError {
  return badValue(`${what} is not supported by the test wire server`);
}

/** Converts anything thrown while serving a command into an error reply. */
export function errorReply(error: unknown): Document {
  if (error instanceof CommandError) return error.toReply();
  const message = error instanceof Error ? error.message : String(error);
  return new CommandError(1, "InternalError", `test wire server: ${message}`).toReply();
}
