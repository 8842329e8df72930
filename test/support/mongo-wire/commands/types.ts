import type { Document, ObjectId } from "bson";
import type { LogicalClock } from "../clock.js";
import type { CursorRegistry } from "../cursors.js";
import type { FailPoints } from "../fail-points.js";
import type { Store } from "../store.js";
import type { TransactionManager } from "../transactions.js";
import type { Examined, View } from "../view.js";

/** How this server presents itself in `hello`. */
export interface ServerIdentity {
  readonly host: string;
  port: number;
  readonly setName: string;
  readonly electionId: ObjectId;
}

export interface CommandContext {
  readonly store: Store;
  readonly cursors: CursorRegistry;
  readonly transactions: TransactionManager;
  readonly identity: ServerIdentity;
  readonly failPoints: FailPoints;
  readonly clock: LogicalClock;
  readonly connectionId: number;
  /** The `$db` the command was sent to. */
  readonly dbName: string;
  /** Session id (as a key) and transaction number, when the command carries them. */
  readonly lsid?: string;
  readonly txnNumber?: number;
  /** The documents this command examined (counted by its views). */
  readonly examined: Examined;
  /** The documents examined by every command so far, by command name (`serverStatus`). */
  readonly examinedTotals: ReadonlyMap<string, number>;
  /** What the command reads: its transaction's snapshot and writes, or the latest committed data. */
  readonly view: View;
  readonly inTransaction: boolean;
  /**
   * Makes the changes of `work` atomically, through the view it is given: as part of the command's
   * transaction, or as one statement of its own that waits out conflicting transactions. Done at
   * once (its result, or its error thrown) unless it has to wait: then a promise.
   */
  atomically<T>(work: (view: View) => T): T | Promise<T>;
}

export interface CommandDefinition {
  /**
   * Command fields accepted besides the command name and the generic ones (`$db`, `lsid`,
   * `writeConcern`, …); "any" for handshake-style commands. Any other field is refused.
   */
  readonly options: readonly string[] | "any";
  /** Writes: retryable outside a transaction, and checked against the write concern. */
  readonly writes?: boolean;
  readonly allowedInTransaction?: boolean;
  /** `commitTransaction`/`abortTransaction`: handled by the session layer itself. */
  readonly controlsTransaction?: boolean;
  /** Allowed over legacy OP_QUERY (only the handshake is). */
  readonly handshake?: boolean;
  run(command: Document, context: CommandContext): Document | Promise<Document>;
}
