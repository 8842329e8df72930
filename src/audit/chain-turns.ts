import { Mutex } from "async-mutex";
import type { ClientSession } from "mongodb";
import { whenTransactionEnds } from "../db/transaction.js";

/** One queue per database: every audit repository of this process on it shares the chain's head. */
const queues = new Map<string, Mutex>();

/**
 * Turns at moving the audit chain's head. The chain is one line, so two transactions that both add
 * events conflict on its head and one of them starts again; left alone, N concurrent transactions
 * make about N²/2 attempts. Within a process they take turns instead: a transaction takes the turn
 * at its first audit write (or at its start, `take`, when it knows it will write one) and keeps it
 * through its retries until it is over, committed or given up. So a transaction of this process
 * starts again at most once (when it took the turn after its snapshot began and another committed a
 * move in between), and never because of another one of this process. Across processes the guarded
 * update of the head and the driver's retry of write conflicts still serialise them.
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
   * Waits for the turn of `session`'s transaction, unless it has it already. A session that is not
   * one of `inTransaction`'s (nothing would say when it is over) does not queue.
   */
  async take(session: ClientSession): Promise<void> {
    if (this.holders.has(session)) return;
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
