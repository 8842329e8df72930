import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify as stringifyCsv } from "csv-stringify/sync";
import { inBatches } from "./batches.js";
import { neutraliseCell, neutralisedStart } from "./spreadsheet-cells.js";

/** Hears how many records have been handed to the writer so far (after each chunk of them). */
export type OnRecords = (count: number) => void;

/** Records encoded and written together: one chunk (and one csv-stringify call) per 1,000. */
const recordsPerChunk = 1000;

/**
 * Streams records to `output` as CSV (header row from `columns`) or JSON lines; resolves with how
 * many were written once `output` is finished. One pipeline with back-pressure: no record is read
 * while `output` is full, so memory holds two chunks of records whatever the count (the next chunk
 * is read while one is encoded). CSV text cells a spreadsheet could run as a formula are
 * neutralised (see spreadsheet-cells.ts); numbers are written as they are, as numbers.
 */
export async function writeRecords(
  records: AsyncIterable<Record<string, unknown>>,
  columns: string[],
  format: "csv" | "jsonl",
  output: Writable,
  onRecords?: OnRecords,
): Promise<number> {
  const csvOptions = {
    columns,
    record_delimiter: "unix",
    cast: { string: neutraliseCell },
    quoted_match: neutralisedStart,
  } as const;
  let count = 0;
  async function* chunks() {
    if (format === "csv") yield stringifyCsv([], { ...csvOptions, header: true });
    for await (const batch of inBatches(records, recordsPerChunk)) {
      yield format === "csv"
        ? stringifyCsv(batch, csvOptions)
        : batch.map((record) => `${JSON.stringify(record)}\n`).join("");
      count += batch.length;
      onRecords?.(count);
    }
  }
  await pipeline(Readable.from(chunks()), output);
  return count;
}
