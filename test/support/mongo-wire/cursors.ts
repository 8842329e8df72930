import { type Document, Long } from "bson";
import { badValue, CommandError } from "./errors.js";
import { EncodedDocuments, encodeForBatch } from "./wire-protocol.js";

const DEFAULT_FIRST_BATCH = 101;
/** Keeps a reply under the 16 MiB BSON limit, leaving room for the envelope. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;
/** Like mongod's cursorTimeoutMillis. */
const IDLE_CURSOR_MS = 10 * 60 * 1000;

interface OpenCursor {
  ns: string;
  docs: Document[];
  position: number;
  lastUsed: number;
}

export function cursorIdOf(value: unknown): string {
  if (typeof value === "number" && Number.isInteger(value)) return String(value);
  if (value instanceof Long) return value.toString();
  throw badValue("cursor id must be a 64-bit integer");
}

/** Server-side cursors over fully computed results, served in batches. */
export class CursorRegistry {
  private readonly cursors = new Map<string, OpenCursor>();
  private nextId = 1;

  /** Returns the `cursor` field of a find/aggregate reply, keeping the rest for `getMore`. */
  open(ns: string, docs: Document[], batchSize: number | undefined, singleBatch = false): Document {
    this.expireIdle();
    const cursor: OpenCursor = { ns, docs, position: 0, lastUsed: Date.now() };
    const firstBatch = takeBatch(cursor, batchSize ?? DEFAULT_FIRST_BATCH);
    let id = Long.ZERO;
    if (!singleBatch && cursor.position < docs.length) {
      id = Long.fromNumber(this.nextId++);
      this.cursors.set(id.toString(), cursor);
    }
    return { firstBatch, id, ns };
  }

  getMore(id: string, ns: string, batchSize: number | undefined): Document {
    const cursor = this.cursors.get(id);
    if (!cursor) throw new CommandError(43, "CursorNotFound", `cursor id ${id} not found`);
    if (cursor.ns !== ns) {
      throw new CommandError(
        13,
        "Unauthorized",
        `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`,
      );
    }
    cursor.lastUsed = Date.now();
    const nextBatch = takeBatch(cursor, batchSize || Number.POSITIVE_INFINITY);
    const exhausted = cursor.position >= cursor.docs.length;
    if (exhausted) this.cursors.delete(id);
    return { nextBatch, id: exhausted ? Long.ZERO : Long.fromString(id), ns };
  }

  /** Returns the ids that were open (and are now closed). */
  kill(ids: string[]): string[] {
    return ids.filter((id) => this.cursors.delete(id));
  }

  clear(): void {
    this.cursors.clear();
  }

  private expireIdle(): void {
    const cutoff = Date.now() - IDLE_CURSOR_MS;
    for (const [id, cursor] of this.cursors) {
      if (cursor.lastUsed < cutoff) this.cursors.delete(id);
    }
  }
}

/** The next documents, each encoded once here: its bytes give the batch's size and the reply's. */
function takeBatch(cursor: OpenCursor, limit: number): EncodedDocuments {
  const batch: Uint8Array[] = [];
  let bytes = 0;
  while (batch.length < limit && cursor.position < cursor.docs.length) {
    const encoded = encodeForBatch(cursor.docs[cursor.position] as Document);
    bytes += encoded.length;
    if (batch.length > 0 && bytes > MAX_BATCH_BYTES) break;
    batch.push(encoded);
    cursor.position++;
  }
  return new EncodedDocuments(batch);
}
