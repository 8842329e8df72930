/**
 * A writer is one unit of atomic change: a multi-document transaction, or one statement outside a
 * transaction. It reads from a snapshot (the cluster time it started at) and holds its changes as
 * uncommitted writes until it commits or aborts, as WiredTiger does.
 */
import type { Collection } from "./collection.js";

export class Writer implements Reader {
  /** Documents with an uncommitted write of this writer, per collection. */
  readonly touched = new Map<Collection, Set<string>>();
  /** Collections this writer created, visible to others only once it commits (by namespace). */
  readonly created = new Map<string, Collection>();
  private state: "open" | "committed" | "aborted" = "open";
  /** Made when someone first waits (most writers, single statements, are waited for by nobody). */
  private settled: Promise<void> | undefined;
  private settle: (() => void) | undefined;

  constructor(
    /** The cluster time of the snapshot it reads: commits up to this time are visible. */
    readonly snapshot: number,
    /** A multi-document transaction (conflicts are errors) or a statement (conflicts wait). */
    readonly transactional: boolean,
  ) {}

  /** As a reader, a writer sees its own uncommitted writes. */
  get writer(): Writer {
    return this;
  }

  get open(): boolean {
    return this.state === "open";
  }

  /** Resolves once this writer has committed or aborted. */
  finished(): Promise<void> {
    if (!this.open) return Promise.resolve();
    this.settled ??= new Promise((resolve) => {
      this.settle = resolve;
    });
    return this.settled;
  }

  touch(collection: Collection, key: string): void {
    let keys = this.touched.get(collection);
    if (!keys) {
      keys = new Set();
      this.touched.set(collection, keys);
    }
    keys.add(key);
  }

  /** Marks the writer done; called by the store once its writes are published or discarded. */
  end(state: "committed" | "aborted"): void {
    this.state = state;
    this.settle?.();
  }
}

/**
 * Thrown when a write meets another writer's uncommitted write (`holder`), or a document committed
 * after the writer's snapshot (`holder` undefined). A transaction answers it with WriteConflict; a
 * statement outside a transaction waits for the holder and runs again.
 */
export class Conflict extends Error {
  constructor(
    readonly holder: Writer | undefined,
    what: string,
  ) {
    super(`write conflict on ${what}`);
  }
}

/** What a read sees: the snapshot, plus the reader's own uncommitted writes. */
export interface Reader {
  readonly snapshot: number;
  readonly writer?: Writer;
}
