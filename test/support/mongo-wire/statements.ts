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
    atomically: async (work) => {
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

async function runStatement<T>(base: ContextBase, work: (view: View) => T, signal: AbortSignal) {
  const { store } = base;
  for (;;) {
    const writer = store.begin(false);
    let result: T;
    try {
      result = work(new View(store, writer, base.examined));
    } catch (error) {
      store.abort(writer);
      if (!(error instanceof Conflict)) throw error;
      if (error.holder) await waitFor(error.holder, signal);
      continue;
    }
    store.commit(writer);
    return result;
  }
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
