import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify as stringifyCsv } from "csv-stringify";
import { neutraliseCell, neutralisedStart } from "./spreadsheet-cells.js";

/** Hears how many records have been handed to the writer so far (after each one). */
export type OnRecords = (count: number) => void;

/**
 * Streams records to `output` as CSV (header row from `columns`) or JSON lines; resolves with how
 * many were written once `output` is finished. One pipeline with back-pressure: no record is read
 * while `output` is full, so memory holds a few chunks whatever the count. CSV text cells a
 * spreadsheet could run as a formula are neutralised (see spreadsheet-cells.ts); numbers are written
 * as they are, as numbers.
 */
export async function writeRecords(
  records: AsyncIterable<Record<string, unknown>>,
  columns: string[],
  format: "csv" | "jsonl",
  output: Writable,
  onRecords?: OnRecords,
): Promise<number> {
  let count = 0;
  async function* counted() {
    for await (const record of records) {
      count += 1;
      onRecords?.(count);
      yield record;
    }
  }
  const encode =
    format === "csv"
      ? stringifyCsv({
          header: true,
          columns,
          record_delimiter: "unix",
          cast: { string: neutraliseCell },
          quoted_match: neutralisedStart,
        })
      : async function* (source: AsyncIterable<Record<string, unknown>>) {
          for await (const record of source) yield `${JSON.stringify(record)}\n`;
        };
  await pipeline(Readable.from(counted()), encode, output);
  return count;
}
