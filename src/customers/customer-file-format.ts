import { Readable, type Writable } from "node:stream";
import { CsvError, parse as parseCsv } from "csv-parse/sync";
import { readLines } from "../files/line-reader.js";
import { type OnRecords, writeRecords } from "../files/records-file.js";
import { restoreCell } from "../files/spreadsheet-cells.js";
import type { Customer } from "./customer.js";

/** The two file formats operators import and export: CSV with a header row, or one JSON object a line. */
export type CustomerFileFormat = "csv" | "jsonl";

/** The fields an import reads; every other column or key is ignored. */
export const importFields = ["account", "teamName", "teamType", "companyName", "tag"] as const;
export type ImportField = (typeof importFields)[number];

/** Raw text per field, exactly as the file had it (validation is the import's job). */
export type CustomerRowValues = Partial<Record<ImportField, string>>;

/** One data row of an import file: its values, or why the line could not be read as a row at all. */
export type CustomerRow =
  | { line: number; values: CustomerRowValues }
  | { line: number; problem: string; account?: string };

/** The file as a whole cannot be imported (no header, a header without the needed columns, …). */
export class CustomerFileError extends Error {
  override name = "CustomerFileError";
}

/** The columns an export writes, in order. Money is in integer minor units, as stored. */
export const exportColumns = [
  "customerId",
  "account",
  "teamName",
  "teamType",
  "companyName",
  "balanceMinor",
  "creditsMinor",
  "status",
  "tag",
  "createdAt",
] as const;

export type CustomerExportRecord = {
  customerId: string;
  account: string;
  teamName: string;
  teamType: string;
  companyName: string | null;
  balanceMinor: number;
  creditsMinor: number;
  status: string;
  tag: string | null;
  createdAt: string;
};

/** `.csv` → csv, `.jsonl`/`.ndjson` → jsonl (case-insensitive), anything else → null. */
export function formatFromPath(path: string): CustomerFileFormat | null {
  const lower = path.toLowerCase();
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "jsonl";
  return null;
}

/** Header and key spellings: case, spaces, `_` and `-` do not matter; `company` means the company name. */
const aliases = new Map<string, ImportField>([
  ["account", "account"],
  ["teamname", "teamName"],
  ["teamtype", "teamType"],
  ["companyname", "companyName"],
  ["company", "companyName"],
  ["tag", "tag"],
]);

function fieldFor(name: string): ImportField | undefined {
  return aliases.get(
    name
      .trim()
      .toLowerCase()
      .replace(/[\s_-]+/g, ""),
  );
}

const requiredColumns: ImportField[] = ["account", "teamName", "teamType"];

/** Longest stretch of physical lines one CSV record may span before it is judged to have a stray quote. */
const maxLinesPerRecord = 50;
const maxRecordChars = 64_000;

type Input = Readable | string;

/**
 * Physical lines with their 1-based numbers (`\n`, `\r\n` or `\r` end a line); a leading BOM is dropped.
 * The stream is read to its end, or destroyed when the reader stops early; its errors are thrown.
 */
async function* numberedLines(input: Input): AsyncGenerator<{ line: number; text: string }> {
  let line = 0;
  for await (const text of readLines(typeof input === "string" ? Readable.from([input]) : input)) {
    line += 1;
    yield { line, text: line === 1 ? text.replace(/^\uFEFF/, "") : text };
  }
}

/**
 * Reads the data rows of an import file, streaming. Blank lines are skipped (and so are CSV lines whose
 * cells are all empty); a line that cannot be read as a row becomes a row with a `problem`, and reading
 * carries on with the next line. Throws CustomerFileError when the file cannot be imported at all.
 */
export function readCustomerRows(
  input: Input,
  format: CustomerFileFormat,
): AsyncGenerator<CustomerRow> {
  return format === "csv" ? readCsvRows(input) : readJsonLinesRows(input);
}

/** Cell or value text without what would only confuse the report (shortened, on one line). */
function shortText(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > 80 ? `${oneLine.slice(0, 79)}…` : oneLine;
}

/** Why a line is not CSV, in words an operator can act on (csv-parse's code decides; its text is the fallback). */
function csvReason(error: unknown): string {
  if (!(error instanceof CsvError)) return `not valid CSV: ${(error as Error).message}`;
  const column = error.column;
  const where = typeof column === "number" ? ` (value ${column + 1})` : "";
  switch (error.code) {
    case "INVALID_OPENING_QUOTE":
      return `not valid CSV: a quote inside an unquoted value${where}; quote the whole value and double the quotes inside it, e.g. "Team ""Blue"""`;
    case "CSV_INVALID_CLOSING_QUOTE":
      return `not valid CSV: text after a closing quote${where}; a quoted value must end at its closing quote`;
    case "CSV_QUOTE_NOT_CLOSED":
      return "not valid CSV: a quoted value is never closed";
    case "CSV_MAX_RECORD_SIZE":
      return `not valid CSV: the line is longer than ${maxRecordChars} characters`;
    default:
      return `not valid CSV: ${error.message.replace(/ (at|on) line \d+/g, "")}`;
  }
}

const quoteNotClosed = "not valid CSV: a quoted value is never closed";
const csvOptions = { relax_column_count: true, max_record_size: maxRecordChars } as const;

/** Why one physical line, read on its own, is not a CSV record. */
function lineReason(text: string): string {
  try {
    parseCsv(text, csvOptions);
    return quoteNotClosed;
  } catch (error) {
    return csvReason(error);
  }
}

/** The count of `"` decides whether a record goes on: RFC 4180 doubles quotes inside quoted fields. */
function quoteCount(text: string): number {
  let count = 0;
  for (const character of text) if (character === '"') count += 1;
  return count;
}

type CsvRecord = { line: number; cells: string[] } | { line: number; problem: string };

/**
 * CSV records from physical lines. A record normally is one line; a quoted value may hold line breaks,
 * so a line with an odd number of quotes goes on to the next lines (at most 50). When such a record is
 * not valid CSV, only its first line is rejected and the lines it pulled in are read again on their own,
 * so a stray quote costs one row, never the rest of the file. The cells are parsed by csv-parse.
 */
async function* csvRecords(input: Input): AsyncGenerator<CsvRecord> {
  const source = numberedLines(input);
  const handedBack: { line: number; text: string }[] = [];
  const nextLine = async () => {
    const back = handedBack.shift();
    if (back) return back;
    const next = await source.next();
    return next.done ? undefined : next.value;
  };
  try {
    for (let first = await nextLine(); first; first = await nextLine()) {
      if (first.text.trim() === "") continue;
      const lines = [first];
      let text = first.text;
      let quotes = quoteCount(text);
      while (quotes % 2 === 1 && lines.length < maxLinesPerRecord && text.length < maxRecordChars) {
        const more = await nextLine();
        if (!more) break;
        lines.push(more);
        text += `\n${more.text}`;
        quotes += quoteCount(more.text);
      }
      // Most lines have no quote at all: their cells are the text between the commas, exactly as
      // csv-parse would read them, without its per-call set-up (most of an import's CPU time).
      if (quotes === 0 && text.length <= maxRecordChars) {
        yield { line: first.line, cells: text.split(",") };
        continue;
      }
      let problem = quoteNotClosed;
      if (quotes % 2 === 0) {
        try {
          const records = parseCsv(text, csvOptions);
          if (records.length === 1 && records[0]) {
            yield { line: first.line, cells: records[0] };
            continue;
          }
        } catch (error) {
          if (lines.length === 1) problem = csvReason(error);
        }
      }
      // The first line alone says best what is wrong with it (e.g. a quote inside an unquoted value).
      if (lines.length > 1 || quotes % 2 === 1) problem = lineReason(first.text);
      handedBack.unshift(...lines.slice(1));
      yield { line: first.line, problem };
    }
  } finally {
    // Read by hand (not by for-await), so closing it (and its file) is this generator's job.
    await source.return(undefined);
  }
}

async function* readCsvRows(input: Input): AsyncGenerator<CustomerRow> {
  const records = csvRecords(input);
  const headerRecord = await records.next();
  const header = headerRecord.done ? undefined : headerRecord.value;
  if (!header) throw new CustomerFileError("the file is empty: a CSV import needs a header row");
  if ("problem" in header) {
    throw new CustomerFileError(`the header row (line ${header.line}) is ${header.problem}`);
  }
  const columns = csvColumns(header.cells, header.line);

  for await (const record of records) {
    if ("problem" in record) {
      yield record;
      continue;
    }
    const { cells, line } = record;
    if (cells.every((cell) => cell.trim() === "")) continue;
    const values: CustomerRowValues = {};
    for (const [index, field] of columns.entries()) {
      const cell = cells[index];
      if (field && cell !== undefined) values[field] = restoreCell(cell);
    }
    if (cells.length !== columns.length) {
      const account = values.account?.trim();
      yield {
        line,
        problem: `not valid CSV: the line has ${cells.length} values but the header has ${columns.length} columns`,
        ...(account ? { account: shortText(account) } : {}),
      };
      continue;
    }
    yield { line, values };
  }
}

/** Which import field each column holds (undefined: ignored). Refuses a header the import cannot use. */
function csvColumns(cells: string[], line: number): (ImportField | undefined)[] {
  const columns = cells.map(fieldFor);
  const seen = new Map<ImportField, string>();
  for (const [index, field] of columns.entries()) {
    if (!field) continue;
    const earlier = seen.get(field);
    if (earlier !== undefined) {
      throw new CustomerFileError(
        `the header row (line ${line}) has both "${earlier}" and "${cells[index]}", which mean the same column (${field}); keep one`,
      );
    }
    seen.set(field, cells[index] ?? field);
  }
  const missing = requiredColumns.filter((field) => !seen.has(field));
  if (missing.length > 0) {
    const found = cells.map((cell) => `"${shortText(cell)}"`).join(", ");
    const hint =
      cells.length === 1 && /[;\t]/.test(cells[0] ?? "")
        ? " (the file must be comma-separated)"
        : "";
    throw new CustomerFileError(
      `the header row (line ${line}) has no ${missing.join(", ")} column${missing.length > 1 ? "s" : ""}${hint}; it has ${found}. Columns: ${importFields.join(", ")} (also team_name, team_type, company_name, company)`,
    );
  }
  return columns;
}

async function* readJsonLinesRows(input: Input): AsyncGenerator<CustomerRow> {
  for await (const { line, text } of numberedLines(input)) {
    if (text.trim() === "") continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      yield { line, problem: `not valid JSON: ${(error as Error).message}` };
      continue;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      yield {
        line,
        problem: 'not a JSON object: each line must be one object such as {"account": …}',
      };
      continue;
    }
    yield jsonRow(line, parsed as Record<string, unknown>);
  }
}

function jsonRow(line: number, object: Record<string, unknown>): CustomerRow {
  const values: CustomerRowValues = {};
  const keys = new Map<ImportField, string>();
  const reasons: string[] = [];
  for (const [key, value] of Object.entries(object)) {
    const field = fieldFor(key);
    if (!field || value === null || value === undefined) continue;
    const earlier = keys.get(field);
    if (earlier !== undefined) {
      reasons.push(`"${earlier}" and "${key}" both give the ${field}; keep one`);
      continue;
    }
    keys.set(field, key);
    if (typeof value !== "string") {
      reasons.push(
        `"${key}" must be text (a JSON string), not ${Array.isArray(value) ? "an array" : `a ${typeof value}`}`,
      );
      continue;
    }
    values[field] = value;
  }
  if (reasons.length === 0) return { line, values };
  const account = values.account?.trim();
  return { line, problem: reasons.join("; "), ...(account ? { account: shortText(account) } : {}) };
}

/** A customer as an export row: no password hash (a Customer never has one), money in minor units. */
export function toExportRecord(customer: Customer): CustomerExportRecord {
  return {
    customerId: customer.customerId,
    account: customer.account,
    teamName: customer.teamName,
    teamType: customer.teamType,
    companyName: customer.companyName,
    balanceMinor: customer.balance,
    creditsMinor: customer.credits,
    status: customer.status,
    tag: customer.tag,
    createdAt: customer.createdAt.toISOString(),
  };
}

/**
 * Writes customers to `output` as CSV (header row; empty cell for none) or JSON lines (null for none),
 * streaming; resolves with how many were written once `output` is finished.
 */
export function writeCustomers(
  customers: AsyncIterable<Customer> | Iterable<Customer>,
  format: CustomerFileFormat,
  output: Writable,
  onRecords?: OnRecords,
): Promise<number> {
  async function* records() {
    for await (const customer of customers) yield toExportRecord(customer);
  }
  return writeRecords(records(), [...exportColumns], format, output, onRecords);
}
