/**
 * Sessions and multi-document transactions.
 *
 * Transactions are serialized: one global lock is held from a transaction's first command until
 * it commits or aborts. Writes outside transactions take the same lock for the duration of the
 * command, so they wait (FIFO) while a transaction is open. Reads outside transactions never wait,
 * which means they can see a running transaction's uncommitted writes (unlike MongoDB).
 */
import type { Document } from "bson";
import { CommandError, noSuchTransaction, transientLabel } from "./errors.js";
import type { Collection, Database, UndoRecorder } from "./store.js";
import { valueKey } from "./values.js";

export const LOCK_WAIT_MS = 5_000;
export const TRANSACTION_IDLE_MS = 60_000;

/** Reverts everything a transaction did, newest change first. */
export class UndoLog implements UndoRecorder {
  private steps: Array<() => void> = [];

  documentChanged(collection: Collection, key: string, before: Document | undefined): void {
    this.steps.push(() => collection.restore(key, before));
  }

  collectionCreated(database: Database, collection: Collection): void {
    this.steps.push(() => {
      if (database.collections.get(collection.name) === collection) {
        database.collections.delete(collection.name);
      }
    });
  }

  indexCreated(collection: Collection, name: string): void {
    this.steps.push(() => collection.dropIndex(name));
  }

  rollback(): void {
    for (const step of this.steps.reverse()) step();
    this.steps = [];
  }
}

interface Waiter {
  owner: object;
  grant(): void;
}

/** A mutex granted in request order; a request that waits too long fails with WriteConflict. */
export class TransactionLock {
  private holder: object | undefined;
  private readonly queue: Waiter[] = [];

  constructor(private readonly waitMs: number) {}

  acquire(owner: object, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new Error("client disconnected"));
    if (this.holder === undefined && this.queue.length === 0) {
      this.holder = owner;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const stopWaiting = (error: Error) => {
        const position = this.queue.indexOf(waiter);
        if (position >= 0) this.queue.splice(position, 1);
        cleanup();
        reject(error);
      };
      const onAbort = () => stopWaiting(new Error("client disconnected"));
      const timer = setTimeout(
        () =>
          stopWaiting(
            new CommandError(
              112,
              "WriteConflict",
              `WriteConflict: waited ${this.waitMs} ms for another transaction to finish (the test wire server runs one transaction at a time)`,
              transientLabel,
            ),
          ),
        this.waitMs,
      );
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      const waiter: Waiter = {
        owner,
        grant: () => {
          cleanup();
          resolve();
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  release(owner: object): void {
    if (this.holder !== owner) return;
    const next = this.queue.shift();
    this.holder = next?.owner;
    next?.grant();
  }
}

type TransactionState = "starting" | "active" | "committed" | "aborted";

export interface Transaction {
  readonly txnNumber: number;
  readonly undo: UndoLog;
  state: TransactionState;
  idleTimer?: NodeJS.Timeout;
}

interface Session {
  transaction?: Transaction;
  /** The reply to the latest retryable write, answered again if the driver retries it. */
  lastRetryableWrite?: { txnNumber: number; reply: Document };
}

export const sessionKey = (lsid: unknown): string => valueKey(lsid);

export class TransactionManager {
  readonly lock: TransactionLock;
  private readonly sessions = new Map<string, Session>();

  constructor(
    lockWaitMs = LOCK_WAIT_MS,
    private readonly idleMs = TRANSACTION_IDLE_MS,
  ) {
    this.lock = new TransactionLock(lockWaitMs);
  }

  /**
   * The transaction a command with `autocommit: false` belongs to. With `startTransaction` a new
   * one is started, which waits for the lock.
   */
  async join(
    lsid: string,
    txnNumber: number,
    start: boolean,
    signal?: AbortSignal,
  ): Promise<Transaction> {
    const session = this.session(lsid);
    const current = session.transaction;
    if (!start) {
      if (current?.txnNumber !== txnNumber || current.state !== "active") {
        throw noSuchTransaction(txnNumber);
      }
      this.touch(current);
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
    const transaction: Transaction = { txnNumber, undo: new UndoLog(), state: "starting" };
    session.transaction = transaction;
    try {
      await this.lock.acquire(transaction, signal);
    } catch (error) {
      transaction.state = "aborted";
      throw error;
    }
    transaction.state = "active";
    this.touch(transaction);
    return transaction;
  }

  commit(lsid: string, txnNumber: number): void {
    const transaction = this.sessions.get(lsid)?.transaction;
    if (transaction?.txnNumber !== txnNumber) throw noSuchTransaction(txnNumber);
    if (transaction.state === "committed") return;
    if (transaction.state !== "active") throw noSuchTransaction(txnNumber);
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

  /** Undoes the transaction's writes and lets the next waiter in. */
  rollback(transaction: Transaction): void {
    if (transaction.state !== "active") return;
    transaction.undo.rollback();
    this.finish(transaction, "aborted");
  }

  /** Like a server restart: every open transaction is aborted. */
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

  private touch(transaction: Transaction): void {
    clearTimeout(transaction.idleTimer);
    transaction.idleTimer = setTimeout(() => this.rollback(transaction), this.idleMs);
    transaction.idleTimer.unref();
  }

  private finish(transaction: Transaction, state: "committed" | "aborted"): void {
    clearTimeout(transaction.idleTimer);
    transaction.state = state;
    this.lock.release(transaction);
  }
}
