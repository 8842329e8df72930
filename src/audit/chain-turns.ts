import { Mutex } from "async-mutex";
import type { ClientSession } from "mongodb";
import { StartOverWhen, whenTransactionEnds } from "../db/transaction.js";

/** One queue per database: every audit repository of this process on it shares the chain's head. */
const queues = new Map<string, Mutex>();

/**
 * Turns at moving the audit chain's head. The chain is one line, so two transactions that both add
 * events conflict on its head and one of them starts again; left alone, N concurrent transactions
 * make about N²/2 attempts. Within a process they take turns instead: a transaction takes the turn
 * at its first audit write (or at its start, when it knows it will write one) and keeps it through
 * its retries until it is over, committed or given up; one that finds the turn taken starts over
 * once it has it. So no transaction of this process conflicts on the head with another one of this
 * process. Across processes the guarded update of the head and the driver's retry of write
 * conflicts still serialise them.
 */
export class ChainTurns {
  private readonly queue: Mutex;
  private readonly holders = new WeakSet<ClientSession>();

  constructor(databaseName: string) {
    let queue = queues.get(databaseName);
    if (!queue) {
      queue = new Mutex();
      queues.set(databaseName, queue);
    }
    this.queue = queue;
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
    if (!this.queue.isLocked()) return this.hold(session);
    throw new StartOverWhen(() => this.hold(session));
  }

  private async hold(session: ClientSession): Promise<void> {
    const release = await this.queue.acquire();
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
