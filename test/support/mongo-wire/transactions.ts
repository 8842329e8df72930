/**
 * Sessions and multi-document transactions. Transactions run concurrently, each reading from the
 * snapshot taken when it starts and holding its writes until commit (see store.ts and
 * collection.ts for the first-writer-wins rules). A transaction older than the lifetime limit is
 * aborted, as mongod's `transactionLifetimeLimitSeconds` does.
 */
import type { Document } from "bson";
import { CommandError, noSuchTransaction } from "./errors.js";
import type { Store } from "./store.js";
import { valueKey } from "./values.js";
import type { Writer } from "./writer.js";

export const TRANSACTION_LIFETIME_MS = 60_000;

type TransactionState = "active" | "committed" | "aborted";

export interface Transaction {
  readonly txnNumber: number;
  readonly writer: Writer;
  state: TransactionState;
  lifetimeTimer?: NodeJS.Timeout;
}

interface Session {
  transaction?: Transaction;
  /** The reply to the latest retryable write, answered again if the driver retries it. */
  lastRetryableWrite?: { txnNumber: number; reply: Document };
}

export const sessionKey = (lsid: unknown): string => valueKey(lsid);

export class TransactionManager {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly store: Store,
    private readonly lifetimeMs = TRANSACTION_LIFETIME_MS,
  ) {}

  /**
   * The transaction a command with `autocommit: false` belongs to. With `startTransaction` a new
   * one is started, with a snapshot of the latest committed data.
   */
  join(lsid: string, txnNumber: number, start: boolean): Transaction {
    const session = this.session(lsid);
    const current = session.transaction;
    if (!start) {
      if (current?.txnNumber !== txnNumber || current.state !== "active") {
        throw noSuchTransaction(txnNumber);
      }
      return current;
    }
    if (current && txnNumber < current.txnNumber) {
      throw new CommandError(
        225,
        "TransactionTooOld",
        `Cannot start transaction ${txnNumber} on session because a newer transaction ${current.txnNumber} has already started`,
      );
    }
    if (current?.txnNumber === txnNumber) {
      throw new CommandError(
        117,
        "ConflictingOperationInProgress",
        `Cannot start transaction ${txnNumber} on session because a transaction with the same number has already been started`,
      );
    }
    if (current?.state === "active") this.rollback(current);
    const transaction: Transaction = {
      txnNumber,
      writer: this.store.begin(true),
      state: "active",
    };
    transaction.lifetimeTimer = setTimeout(() => this.rollback(transaction), this.lifetimeMs);
    transaction.lifetimeTimer.unref();
    session.transaction = transaction;
    return transaction;
  }

  commit(lsid: string, txnNumber: number): void {
    const transaction = this.sessions.get(lsid)?.transaction;
    if (transaction?.txnNumber !== txnNumber) throw noSuchTransaction(txnNumber);
    if (transaction.state === "committed") return;
    if (transaction.state !== "active") throw noSuchTransaction(txnNumber);
    this.store.commit(transaction.writer);
    this.finish(transaction, "committed");
  }

  abort(lsid: string, txnNumber: number): void {
    const transaction = this.sessions.get(lsid)?.transaction;
    if (transaction?.txnNumber === txnNumber && transaction.state === "committed") {
      throw new CommandError(
        256,
        "TransactionCommitted",
        `Transaction with { txnNumber: ${txnNumber} } has been committed.`,
      );
    }
    if (transaction?.txnNumber !== txnNumber || transaction.state !== "active") {
      throw noSuchTransaction(txnNumber);
    }
    this.rollback(transaction);
  }

  /** Discards the transaction's writes. */
  rollback(transaction: Transaction): void {
    if (transaction.state !== "active") return;
    this.store.abort(transaction.writer);
    this.finish(transaction, "aborted");
  }

  /** Like a server restart (or `killAllSessions`): every open transaction is aborted. */
  abortAll(): void {
    for (const session of this.sessions.values()) {
      if (session.transaction) this.rollback(session.transaction);
    }
  }

  endSessions(lsids: string[]): void {
    for (const lsid of lsids) {
      const transaction = this.sessions.get(lsid)?.transaction;
      if (transaction) this.rollback(transaction);
      this.sessions.delete(lsid);
    }
  }

  retriedWriteReply(lsid: string, txnNumber: number): Document | undefined {
    const last = this.sessions.get(lsid)?.lastRetryableWrite;
    return last?.txnNumber === txnNumber ? last.reply : undefined;
  }

  rememberRetryableWrite(lsid: string, txnNumber: number, reply: Document): void {
    this.session(lsid).lastRetryableWrite = { txnNumber, reply };
  }

  private session(lsid: string): Session {
    let session = this.sessions.get(lsid);
    if (!session) {
      session = {};
      this.sessions.set(lsid, session);
    }
    return session;
  }

  private finish(transaction: Transaction, state: "committed" | "aborted"): void {
    clearTimeout(transaction.lifetimeTimer);
    transaction.state = state;
  }
}
