import {
  type BulkWriteResult,
  MongoBulkWriteError,
  MongoError,
  MongoErrorLabel,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
  MongoWriteConcernError,
} from "mongodb";
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/errors/app-error.js";
import { databaseUnavailableMessage, userMessageFor } from "../../src/errors/user-message.js";

const somethingWentWrong = "Something went wrong on our side (ref: R1)";

/** A network error as the driver raises it when MongoDB drops a connection mid-command. */
function droppedConnection(): MongoNetworkError {
  return new MongoNetworkError("connection 12 to 127.0.0.1:27017 closed");
}

/**
 * What the driver throws when a bulk insert (insertMany) fails on the connection rather than on the
 * server: the network error becomes the `errorResponse` of a MongoBulkWriteError, its class lost
 * (mongodb/lib/bulk/common.js, "a driver related error not a bulk op error").
 */
function droppedDuringInsertMany(): MongoBulkWriteError {
  return new MongoBulkWriteError(droppedConnection(), {} as BulkWriteResult);
}

function serverError(code: number, labels: string[] = []): MongoServerError {
  return new MongoServerError({ ok: 0, code, errmsg: `error ${code}`, errorLabels: labels });
}

describe("what the user is told when MongoDB fails", () => {
  it("a connection dropped during an insertMany (a MongoBulkWriteError) is 'not reachable, nothing was changed'", () => {
    const error = droppedDuringInsertMany();
    expect(error).not.toBeInstanceOf(MongoNetworkError);
    // Inside a transaction, on a connection of a pool already cleared, it carries no label at all.
    expect(error.errorLabels).toEqual([]);
    expect(userMessageFor(error, "R1")).toBe(databaseUnavailableMessage);
  });

  it("a dropped connection or an unselectable server is 'not reachable', also when wrapped as a cause", () => {
    expect(userMessageFor(droppedConnection(), "R1")).toBe(databaseUnavailableMessage);
    const selection = new MongoServerSelectionError("Server selection timed out after 2000 ms", {
      type: "ReplicaSetNoPrimary",
    } as never);
    expect(userMessageFor(selection, "R1")).toBe(databaseUnavailableMessage);
    const wrapped = new Error("could not save", { cause: droppedConnection() });
    expect(userMessageFor(wrapped, "R1")).toBe(databaseUnavailableMessage);
  });

  it("a primary that stepped down or shuts down (labelled RetryableWriteError by the server) is 'not reachable'", () => {
    expect(userMessageFor(serverError(91, ["RetryableWriteError"]), "R1")).toBe(
      databaseUnavailableMessage,
    );
    expect(userMessageFor(serverError(10107, ["RetryableWriteError"]), "R1")).toBe(
      databaseUnavailableMessage,
    );
  });

  it("a transaction the server aborted (TransientTransactionError) changed nothing", () => {
    expect(userMessageFor(serverError(112, ["TransientTransactionError"]), "R1")).toBe(
      databaseUnavailableMessage,
    );
  });

  it("a commit whose outcome is unknown, or a write whose write concern failed, is never answered 'nothing was changed': the user is told to check first", () => {
    const unknown = serverError(91, ["RetryableWriteError"]);
    unknown.addErrorLabel(MongoErrorLabel.UnknownTransactionCommitResult);
    const droppedCommit = droppedConnection();
    droppedCommit.addErrorLabel(MongoErrorLabel.UnknownTransactionCommitResult);
    // The primary made the write, but the write concern was not satisfied (labelled retryable too).
    const unacknowledged = new MongoWriteConcernError({
      writeConcernError: { code: 91, errmsg: "waiting for replication interrupted" },
      errorLabels: ["RetryableWriteError"],
    } as never);
    for (const error of [unknown, droppedCommit, unacknowledged]) {
      const message = userMessageFor(error, "R1");
      expect(message).not.toContain("nothing was changed");
      expect(message).toContain("may or may not have been saved (ref: R1)");
      expect(message).toContain("before trying again");
    }
  });

  it("other database errors, and bugs, get the reference; an AppError its own message", () => {
    expect(userMessageFor(serverError(11000), "R1")).toContain(somethingWentWrong);
    expect(userMessageFor(new MongoError("unexpected"), "R1")).toContain(somethingWentWrong);
    expect(userMessageFor(new TypeError("x is undefined"), "R1")).toContain(somethingWentWrong);
    expect(userMessageFor(new AppError("conflict", "Already decided."), "R1")).toBe(
      "Already decided.",
    );
  });
});
