import { Mutex } from "async-mutex";
import type { ClientSession } from "mongodb";
import { afterCommit, StartOverWhen, whenTransactionEnds } from "../db/transaction.js";
import type { ChainHead } from "../hash-chain/chain.js";

/** What this process's audit repositories on one database share. */
interface DatabaseTurns {
  queue: Mutex;
  /** The head the last transaction of this process to move it committed; undefined: not known. */
  head?: ChainHead;
}

/** One entry per database: every audit repository of this process on it shares the chain's head. */
const databases = new Map<string, DatabaseTurns>();

/**
 * Turns at moving the audit chain's head. The chain is one line, so two transactions that both add
 * events conflict on its head and one of them starts again; left alone, N concurrent transactions
 * make about N²/2 attempts. Within a process they take turns instead: a transaction takes the turn
 * at its first audit write (or at its start, when it knows it will write one) and keeps it through
 * its retries until it is over, committed or given up; one that finds the turn taken starts over
 * once it has it. So no transaction of this process conflicts on the head with another one of this
 * process. Across processes the guarded update of the head and the driver's retry of write
 * conflicts still serialise them.
 *
 * The turns also remember the head the last of them committed, so the next holder can link after
 * it without reading it again. It is only a guess when another process writes to the chain too (or
 * the database was emptied): the guarded move refuses a stale one, and the holder reads the head
 * from the database and links after it instead, in the same transaction.
 */
export class ChainTurns {
  private readonly database: DatabaseTurns;
  private readonly holders = new WeakSet<ClientSession>();

  constructor(databaseName: string) {
    let database = databases.get(databaseName);
    if (!database) {
      database = { queue: new Mutex() };
      databases.set(databaseName, database);
    }
    this.database = database;
  }

  /**
   * Gives `session`'s transaction the turn, unless it has it already. When another transaction has
   * it, this attempt is abandoned (throws `StartOverWhen`): it waits for the turn holding nothing —
   * an attempt that waited while holding its writes could block the holder, which would then wait
   * on it — and starts again with the turn. A session that is not one of `inTransaction`'s (nothing
   * would say when it is over) does not take turns.
   */
  async take(session: ClientSession): Promise<void> {
    if (this.holders.has(session)) return;
    if (!this.database.queue.isLocked()) return this.hold(session);
    throw new StartOverWhen(() => this.hold(session));
  }

  /**
   * The head the last turn committed, for `session`'s transaction to link after — when it holds
   * the turn (no other transaction of this process can move the head meanwhile) and nothing has
   * moved the head since that commit; else undefined (read it from the database).
   */
  knownHead(session: ClientSession): ChainHead | undefined {
    return this.holders.has(session) ? this.database.head : undefined;
  }

  /**
   * Called once `session`'s transaction has moved the head to `next` (before it commits): the head
   * is unknown until that commits, and remembered as `next` once it has (never, should it not).
   */
  moving(session: ClientSession, next: ChainHead): void {
    this.forgetHead();
    if (!this.holders.has(session)) return;
    afterCommit(session, () => {
      this.database.head = next;
    });
  }

  /** Forgets the remembered head (it turned out stale): the next holder reads it from the database. */
  forgetHead(): void {
    this.database.head = undefined;
  }

  private async hold(session: ClientSession): Promise<void> {
    const release = await this.database.queue.acquire();
    if (
      !whenTransactionEnds(session, () => {
        this.holders.delete(session);
        release();
      })
    ) {
      release();
      return;
    }
    this.holders.add(session);
  }
}
