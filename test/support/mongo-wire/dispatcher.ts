/**
 * Runs one command: validates its fields, then places it in the session/transaction model
 * (a transaction's member, or a read or write of its own) and turns failures into error replies.
 */
import { type Document, Long } from "bson";
import type { LogicalClock } from "./clock.js";
import { COMMANDS } from "./commands/index.js";
import type { CommandContext, CommandDefinition, ServerIdentity } from "./commands/types.js";
import type { CursorRegistry } from "./cursors.js";
import { withErrorLabels } from "./error-labels.js";
import { badValue, CommandError, errorReply, unsupported } from "./errors.js";
import type { FailCommandAction, FailPoints } from "./fail-points.js";
import { type ContextBase, inTransaction, outsideTransaction } from "./statements.js";
import type { Store } from "./store.js";
import { sessionKey, type TransactionManager } from "./transactions.js";
import type { Examined } from "./view.js";

/** Fields any command may carry; they do not change what the command does here. */
const GENERIC_FIELDS = new Set([
  "$db",
  "lsid",
  "txnNumber",
  "autocommit",
  "startTransaction",
  "readConcern",
  "writeConcern",
  "$clusterTime",
  "$readPreference",
  "comment",
  "maxTimeMS",
  "apiVersion",
  "apiStrict",
  "apiDeprecationErrors",
]);

/** Answered instead of a reply when a fail point closes the connection. */
export const CLOSE_CONNECTION = Symbol("close connection");

export interface Caller {
  readonly connectionId: number;
  /** `client.application.name` from the connection's handshake, which fail points can match. */
  readonly appName?: string;
  /** Aborted when the client connection closes. */
  readonly signal: AbortSignal;
  /** Legacy OP_QUERY only carries the handshake. */
  readonly legacy: boolean;
}

export interface DispatcherParts {
  readonly store: Store;
  readonly cursors: CursorRegistry;
  readonly transactions: TransactionManager;
  readonly identity: ServerIdentity;
  readonly failPoints: FailPoints;
  readonly clock: LogicalClock;
}

export function checkFields(name: string, definition: CommandDefinition, command: Document): void {
  if (definition.options === "any") return;
  for (const field of Object.keys(command).slice(1)) {
    if (!GENERIC_FIELDS.has(field) && !definition.options.includes(field)) {
      throw unsupported(`option '${field}' of command '${name}'`);
    }
  }
}

function txnNumberOf(command: Document): number | undefined {
  const value = command.txnNumber;
  if (value === undefined) return undefined;
  if (typeof value === "number") return value;
  if (value instanceof Long) return value.toNumber();
  throw badValue("txnNumber must be a 64-bit integer");
}

const isFailure = (reply: Document) => reply.ok !== 1 || Array.isArray(reply.writeErrors);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What a one-node replica set says of a write concern it cannot meet: the write is applied, and the
 * reply carries a `writeConcernError` (as mongod does once the write has run).
 */
function unsatisfiableWriteConcern(writeConcern: unknown): Document | undefined {
  if (writeConcern === null || typeof writeConcern !== "object") return undefined;
  const w = (writeConcern as Document).w;
  const errInfo = { writeConcern };
  if (typeof w === "number" && w > 1) {
    return {
      code: 100,
      codeName: "UnsatisfiableWriteConcern",
      errmsg: "Not enough data-bearing nodes",
      errInfo,
    };
  }
  if (typeof w === "string" && w !== "majority") {
    return {
      code: 79,
      codeName: "UnknownReplWriteConcern",
      errmsg: `No write concern mode named '${w}' found in replica set configuration`,
      errInfo,
    };
  }
  return undefined;
}

/** Names of the codes tests inject most; mongod names every code, the driver only shows it. */
const CODE_NAMES: Record<number, string> = {
  6: "HostUnreachable",
  7: "HostNotFound",
  24: "LockTimeout",
  50: "MaxTimeMSExpired",
  89: "NetworkTimeout",
  91: "ShutdownInProgress",
  112: "WriteConflict",
  189: "PrimarySteppedDown",
  251: "NoSuchTransaction",
  262: "ExceededTimeLimit",
  9001: "SocketException",
  10107: "NotWritablePrimary",
  11000: "DuplicateKey",
  11600: "InterruptedAtShutdown",
  11602: "InterruptedDueToReplStateChange",
  13435: "NotPrimaryNoSecondaryOk",
  13436: "NotPrimaryOrSecondary",
};

function failPointError(action: FailCommandAction & { errorCode: number }): Document {
  return {
    ok: 0,
    errmsg: "Failing command via 'failCommand' failpoint",
    code: action.errorCode,
    codeName: CODE_NAMES[action.errorCode] ?? `Location${action.errorCode}`,
    ...action.errorExtraInfo,
    ...(action.errorLabels ? { errorLabels: action.errorLabels } : {}),
  };
}

export class Dispatcher {
  private readonly counts = new Map<string, number>();
  private readonly examinedTotals = new Map<string, number>();

  constructor(private readonly parts: DispatcherParts) {}

  commandCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Documents examined so far, by command name. */
  documentsExamined(): Record<string, number> {
    return Object.fromEntries(this.examinedTotals);
  }

  /**
   * Never throws: every failure is answered as an error reply. Fail points act first (block, close
   * the connection, fail); replies get their error labels, write concern errors and cluster time.
   */
  async dispatch(command: Document, caller: Caller): Promise<Document | typeof CLOSE_CONNECTION> {
    const name = Object.keys(command)[0] ?? "";
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    const definition = COMMANDS.get(name);
    const action = this.parts.failPoints.actionFor(name, caller.appName);
    if (action?.blockTimeMS) await sleep(action.blockTimeMS);
    if (action?.closeConnection) return CLOSE_CONNECTION;
    const inTransaction = command.autocommit === false;
    let reply: Document;
    if (action?.errorCode !== undefined) {
      // As in mongod, the command does not run and a transaction it belongs to stays open.
      reply = failPointError({ ...action, errorCode: action.errorCode });
    } else {
      const examined = { documents: 0 };
      reply = await this.answer(name, definition, command, caller, examined);
      if (examined.documents > 0) {
        this.examinedTotals.set(name, (this.examinedTotals.get(name) ?? 0) + examined.documents);
      }
      if (reply.ok === 1) {
        const concernError =
          action?.writeConcernError ??
          (definition?.writes || definition?.controlsTransaction
            ? unsatisfiableWriteConcern(command.writeConcern)
            : undefined);
        if (concernError) {
          reply = { ...reply, writeConcernError: concernError };
          if (action?.errorLabels) reply.errorLabels = action.errorLabels;
        }
      }
    }
    reply = withErrorLabels(reply, {
      inTransaction,
      commitOrAbort: definition?.controlsTransaction === true,
      retryableWrite:
        definition?.writes === true && !inTransaction && command.txnNumber !== undefined,
    });
    return { ...reply, ...this.parts.clock.replyFields() };
  }

  private async answer(
    name: string,
    definition: CommandDefinition | undefined,
    command: Document,
    caller: Caller,
    examined: Examined,
  ): Promise<Document> {
    if (!definition) {
      return new CommandError(
        59,
        "CommandNotFound",
        `no such command: '${name}' (not implemented by the test wire server)`,
      ).toReply();
    }
    try {
      if (caller.legacy && !definition.handshake) {
        throw new CommandError(
          352,
          "UnsupportedOpQueryCommand",
          `Unsupported OP_QUERY command: ${name}. Use OP_MSG.`,
        );
      }
      checkFields(name, definition, command);
      return await this.run(name, definition, command, caller, examined);
    } catch (error) {
      return errorReply(error);
    }
  }

  private async run(
    name: string,
    definition: CommandDefinition,
    command: Document,
    caller: Caller,
    examined: Examined,
  ): Promise<Document> {
    const dbName = command.$db;
    if (typeof dbName !== "string") throw badValue(`command ${name} is missing '$db'`);
    if ((command.readConcern as Document | undefined)?.atClusterTime !== undefined) {
      throw unsupported("readConcern atClusterTime");
    }
    const lsid = command.lsid === undefined ? undefined : sessionKey(command.lsid);
    const txnNumber = txnNumberOf(command);
    const base = {
      ...this.parts,
      connectionId: caller.connectionId,
      dbName,
      lsid,
      txnNumber,
      examined,
      examinedTotals: this.examinedTotals,
    };
    if (command.autocommit === false) {
      if (lsid === undefined || txnNumber === undefined) {
        throw badValue("a transaction needs lsid and txnNumber");
      }
      if (definition.controlsTransaction)
        return definition.run(command, outsideTransaction(base, caller.signal));
      return this.runInTransaction(name, definition, command, { ...base, lsid, txnNumber });
    }
    const context = outsideTransaction(base, caller.signal);
    if (definition.writes) return this.runWrite(definition, command, context);
    return definition.run(command, context);
  }

  /** Any failure inside a transaction aborts it, as in MongoDB. */
  private async runInTransaction(
    name: string,
    definition: CommandDefinition,
    command: Document,
    base: ContextBase & { lsid: string; txnNumber: number },
  ): Promise<Document> {
    const { transactions } = this.parts;
    const transaction = transactions.join(
      base.lsid,
      base.txnNumber,
      command.startTransaction === true,
    );
    let reply: Document;
    try {
      if (!definition.allowedInTransaction) {
        throw new CommandError(
          263,
          "OperationNotSupportedInTransaction",
          `Cannot run '${name}' in a multi-document transaction.`,
        );
      }
      reply = await definition.run(command, inTransaction(base, transaction.writer));
    } catch (error) {
      reply = errorReply(error);
    }
    if (isFailure(reply)) transactions.rollback(transaction);
    return reply;
  }

  /** A retried retryable write (same lsid and txnNumber) gets the first attempt's reply. */
  private async runWrite(
    definition: CommandDefinition,
    command: Document,
    context: CommandContext,
  ): Promise<Document> {
    const { transactions } = this.parts;
    const { lsid, txnNumber } = context;
    const retryable = lsid !== undefined && txnNumber !== undefined;
    if (retryable) {
      const earlier = transactions.retriedWriteReply(lsid, txnNumber);
      if (earlier) return earlier;
    }
    const reply = await definition.run(command, context);
    if (retryable && reply.ok === 1) transactions.rememberRetryableWrite(lsid, txnNumber, reply);
    return reply;
  }
}
