/**
 * How a command's changes are made atomic: inside its transaction (a conflict is a WriteConflict
 * that aborts it), or outside one, statement by statement (a statement that meets a transaction's
 * uncommitted write waits for that transaction to end, then runs again — MongoDB's behaviour).
 */
import type { CommandContext } from "./commands/types.js";
import { writeConflict } from "./errors.js";
import { View } from "./view.js";
import { Conflict, type Writer } from "./writer.js";

export type ContextBase = Omit<CommandContext, "view" | "atomically" | "inTransaction">;

const LATEST = { snapshot: Number.POSITIVE_INFINITY };

export function inTransaction(base: ContextBase, writer: Writer): CommandContext {
  const view = new View(base.store, writer, base.examined);
  return {
    ...base,
    view,
    inTransaction: true,
    atomically: (work) => {
      try {
        return work(view);
      } catch (error) {
        if (error instanceof Conflict) throw writeConflict();
        throw error;
      }
    },
  };
}

export function outsideTransaction(base: ContextBase, signal: AbortSignal): CommandContext {
  return {
    ...base,
    view: new View(base.store, LATEST, base.examined),
    inTransaction: false,
    atomically: (work) => runStatement(base, work, signal),
  };
}

/** Runs `work` as one statement at once; only one that meets a transaction's write waits. */
function runStatement<T>(
  base: ContextBase,
  work: (view: View) => T,
  signal: AbortSignal,
): T | Promise<T> {
  for (;;) {
    const attempt = attemptStatement(base, work);
    if ("result" in attempt) return attempt.result;
    if (attempt.holder) return runAfter(attempt.holder, base, work, signal);
  }
}

/** Waits for `holder` to end, then runs the statement again (and waits again if it must). */
async function runAfter<T>(
  holder: Writer,
  base: ContextBase,
  work: (view: View) => T,
  signal: AbortSignal,
): Promise<T> {
  let waitingFor: Writer | undefined = holder;
  for (;;) {
    if (waitingFor) await waitFor(waitingFor, signal);
    const attempt = attemptStatement(base, work);
    if ("result" in attempt) return attempt.result;
    waitingFor = attempt.holder;
  }
}

/** One try: committed (its result), or aborted on a conflict with `holder` (undefined: none). */
function attemptStatement<T>(
  base: ContextBase,
  work: (view: View) => T,
): { result: T } | { holder: Writer | undefined } {
  const { store } = base;
  const writer = store.begin(false);
  let result: T;
  try {
    result = work(new View(store, writer, base.examined));
  } catch (error) {
    store.abort(writer);
    if (!(error instanceof Conflict)) throw error;
    return { holder: error.holder };
  }
  store.commit(writer);
  return { result };
}

function waitFor(holder: Writer, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new Error("client disconnected"));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Error("client disconnected"));
    signal.addEventListener("abort", onAbort, { once: true });
    holder.finished().then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}
