import type { Document, ObjectId } from "bson";
import type { LogicalClock } from "../clock.js";
import type { CursorRegistry } from "../cursors.js";
import type { FailPoints } from "../fail-points.js";
import type { Store, UndoRecorder } from "../store.js";
import type { TransactionManager } from "../transactions.js";

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
  /** Set when the command runs inside a transaction: every change must be recorded here. */
  readonly undo?: UndoRecorder;
}

export interface CommandDefinition {
  /**
   * Command fields accepted besides the command name and the generic ones (`$db`, `lsid`,
   * `writeConcern`, …); "any" for handshake-style commands. Any other field is refused.
   */
  readonly options: readonly string[] | "any";
  /** Writes wait for the transaction lock when they run outside a transaction. */
  readonly writes?: boolean;
  readonly allowedInTransaction?: boolean;
  /** `commitTransaction`/`abortTransaction`: handled by the session layer itself. */
  readonly controlsTransaction?: boolean;
  /** Allowed over legacy OP_QUERY (only the handshake is). */
  readonly handshake?: boolean;
  run(command: Document, context: CommandContext): Document;
}
