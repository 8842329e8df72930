import { type ClientSession, type MongoClient, MongoServerError } from "mongodb";

const commitHooks = new WeakMap<ClientSession, (() => void)[]>();
const endHooks = new WeakMap<ClientSession, (() => void)[]>();

/** Runs `hook` once the transaction of `session` has committed (never if it aborts). */
export function afterCommit(session: ClientSession, hook: () => void): void {
  const hooks = commitHooks.get(session);
  if (hooks) hooks.push(hook);
  else hook();
}

/**
 * Runs `hook` once the transaction of `session` is over — committed, or given up after its last
 * attempt — however many attempts it took. Returns false (and never runs `hook`) when `session` is
 * not one of `inTransaction`'s.
 */
export function whenTransactionEnds(session: ClientSession, hook: () => void): boolean {
  const hooks = endHooks.get(session);
  if (!hooks) return false;
  hooks.push(hook);
  return true;
}

/**
 * Thrown inside a transaction's work to abort the attempt, wait for `ready` (nothing of the attempt
 * is held meanwhile: its writes are gone), and start the work again in a new attempt.
 */
export class StartOverWhen extends Error {
  constructor(readonly ready: () => Promise<void>) {
    super("the transaction starts over when it may go on");
  }
}

/**
 * Runs `work` in one MongoDB transaction (snapshot reads, majority writes) and returns its result;
 * the driver retries transient errors (write conflicts, primary changes) and unknown commit results,
 * and a `StartOverWhen` thrown by `work` starts it again once its `ready` has resolved.
 * Hooks registered with `afterCommit` run after the commit, only for the attempt that committed.
 */
export async function inTransaction<T>(
  client: MongoClient,
  work: (session: ClientSession) => Promise<T>,
): Promise<T> {
  return client.withSession(async (session) => {
    endHooks.set(session, []);
    try {
      let result: T;
      for (;;) {
        try {
          result = await session.withTransaction(
            (attempt) => {
              commitHooks.set(attempt, []);
              return work(attempt);
            },
            {
              readConcern: { level: "snapshot" },
              writeConcern: { w: "majority" },
              readPreference: "primary",
            },
          );
          break;
        } catch (error) {
          if (!(error instanceof StartOverWhen)) throw error;
          await error.ready();
        }
      }
      const hooks = commitHooks.get(session) ?? [];
      commitHooks.delete(session);
      for (const hook of hooks) hook();
      return result;
    } finally {
      const hooks = endHooks.get(session) ?? [];
      endHooks.delete(session);
      for (const hook of hooks) hook();
    }
  });
}

export function isDuplicateKey(error: unknown, index?: string): boolean {
  if (!(error instanceof MongoServerError) || error.code !== 11000) return false;
  return index === undefined || String(error.message).includes(index);
}
