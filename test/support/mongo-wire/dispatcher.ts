/**
 * Runs one command: validates its fields, then places it in the session/transaction model
 * (transaction member, lock-waiting write, or plain read) and turns failures into error replies.
 */
import { type Document, Long } from "bson";
import { COMMANDS } from "./commands/index.js";
import type { CommandContext, CommandDefinition, ServerIdentity } from "./commands/types.js";
import type { CursorRegistry } from "./cursors.js";
import { badValue, CommandError, errorReply, unsupported } from "./errors.js";
import type { Store } from "./store.js";
import { sessionKey, type TransactionManager } from "./transactions.js";

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

export interface Caller {
  readonly connectionId: number;
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
}

function checkFields(name: string, definition: CommandDefinition, command: Document): void {
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

export class Dispatcher {
  private readonly counts = new Map<string, number>();

  constructor(private readonly parts: DispatcherParts) {}

  commandCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Never throws: every failure is answered as an error reply. */
  async dispatch(command: Document, caller: Caller): Promise<Document> {
    const name = Object.keys(command)[0] ?? "";
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    const definition = COMMANDS.get(name);
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
      return await this.run(name, definition, command, caller);
    } catch (error) {
      return errorReply(error);
    }
  }

  private async run(
    name: string,
    definition: CommandDefinition,
    command: Document,
    caller: Caller,
  ): Promise<Document> {
    const dbName = command.$db;
    if (typeof dbName !== "string") throw badValue(`command ${name} is missing '$db'`);
    const lsid = command.lsid === undefined ? undefined : sessionKey(command.lsid);
    const txnNumber = txnNumberOf(command);
    const context: CommandContext = {
      ...this.parts,
      connectionId: caller.connectionId,
      dbName,
      lsid,
      txnNumber,
    };
    if (command.autocommit === false) {
      if (lsid === undefined || txnNumber === undefined) {
        throw badValue("a transaction needs lsid and txnNumber");
      }
      if (definition.controlsTransaction) return definition.run(command, context);
      return this.runInTransaction(
        name,
        definition,
        command,
        { ...context, lsid, txnNumber },
        caller.signal,
      );
    }
    if (definition.writes) return this.runWrite(definition, command, context, caller.signal);
    return definition.run(command, context);
  }

  /** Any failure inside a transaction aborts it, as in MongoDB. */
  private async runInTransaction(
    name: string,
    definition: CommandDefinition,
    command: Document,
    context: CommandContext & { lsid: string; txnNumber: number },
    signal: AbortSignal,
  ): Promise<Document> {
    const { transactions } = this.parts;
    const transaction = await transactions.join(
      context.lsid,
      context.txnNumber,
      command.startTransaction === true,
      signal,
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
      reply = definition.run(command, { ...context, undo: transaction.undo });
    } catch (error) {
      reply = errorReply(error);
    }
    if (isFailure(reply)) transactions.rollback(transaction);
    return reply;
  }

  /**
   * Writes outside transactions wait their turn behind any open transaction. A retried
   * retryable write (same lsid and txnNumber) gets the first attempt's reply.
   */
  private async runWrite(
    definition: CommandDefinition,
    command: Document,
    context: CommandContext,
    signal: AbortSignal,
  ): Promise<Document> {
    const { transactions } = this.parts;
    const { lsid, txnNumber } = context;
    const retryable = lsid !== undefined && txnNumber !== undefined;
    if (retryable) {
      const earlier = transactions.retriedWriteReply(lsid, txnNumber);
      if (earlier) return earlier;
    }
    const turn = {};
    await transactions.lock.acquire(turn, signal);
    let reply: Document;
    try {
      reply = definition.run(command, context);
    } finally {
      transactions.lock.release(turn);
    }
    if (retryable && reply.ok === 1) transactions.rememberRetryableWrite(lsid, txnNumber, reply);
    return reply;
  }
}
