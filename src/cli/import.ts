import "dotenv/config";
import { createReadStream } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";
import { userInfo } from "node:os";
import { basename, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  CustomerFileError,
  type CustomerRow,
  readCustomerRows,
} from "../customers/customer-file-format.js";
import type { ImportError, ImportProgress, ImportReport } from "../customers/customer-import.js";
import { progressLine } from "../files/progress-line.js";
import { readFileCommandLine, usageError } from "./file-command-line.js";
import { runCli } from "./run-cli.js";

const usage = `Usage: npm run import -- FILE [--report REPORT.jsonl]

Adds the customers in FILE as new customers (status on, no password, zero balance and credits).
  FILE             .csv with a header row, or .jsonl / .ndjson with one JSON object a line.
                   Columns: account, teamName, teamType, companyName, tag (also team_name,
                   team_type, company_name, company; any case). Other columns are ignored, so an
                   export can be imported again. A CSV cell that starts with ' followed by
                   = + - @ tab, CR, LF or ' loses that first ' (the export put it there).
  --report FILE    also write every rejected row to FILE as JSON lines, as they are found:
                   {"line", "account", "reasons"}
  -h, --help       show this help

Every row is checked like the Slack create form. Rows with problems and accounts that already exist
are reported and skipped; running the same file twice creates nothing the second time. The file is
streamed (any size, flat memory); a progress line with rows/s and an ETA runs on stderr.
Exit code: 0 the file was processed (even with rejected rows), 1 it could not be read or imported,
2 bad usage.
`;

/** Errors printed on the terminal; the rest are counted ("… and N more") and go to --report. */
const printedErrors = 200;
const exit = { processed: 0, failed: 1 } as const;

const count = (n: number) => n.toLocaleString("en-US");

// biome-ignore lint/suspicious/noControlCharactersInRegex: making control characters harmless is the point
const controlCharacters = /[\u0000-\u001F\u007F-\u009F]/g;

/** File content shown on a terminal: control characters (escape sequences…) made visible, not run. */
function visible(text: string): string {
  return text.replace(
    controlCharacters,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function failure(message: string): number {
  process.stderr.write(`import failed: ${message}\n`);
  return exit.failed;
}

/** `cli:` and the operating-system user, for the audit trail. */
function actorId(): string {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    name = process.env.USER ?? process.env.LOGNAME;
  }
  return `cli:${name || "unknown"}`;
}

function errorLine(error: ImportError): string {
  const who = error.account ? ` (${visible(error.account)})` : "";
  return `  line ${error.line}${who}: ${visible(error.reasons.join("; "))}`;
}

/** What the operator is shown at the end: the counts, the first rejected rows, where the rest went. */
function summary(
  file: string,
  report: ImportReport,
  printed: ImportError[],
  reportFile: string | undefined,
): string {
  const rows: [string, number][] = [
    ["rows read", report.read],
    ["created", report.created],
    ["rejected (invalid)", report.invalid],
    ["rejected (duplicates)", report.duplicates],
  ];
  const rejected = report.invalid + report.duplicates;
  const width = Math.max(...rows.map(([, n]) => count(n).length));
  const lines = [`Imported ${basename(file)}`];
  for (const [label, n] of rows)
    lines.push(`  ${`${label}:`.padEnd(23)}${count(n).padStart(width)}`);
  if (rejected > 0) {
    lines.push("", "Rejected rows:");
    for (const error of printed) lines.push(errorLine(error));
    const more = rejected - printed.length;
    if (more > 0) {
      lines.push(
        `  … and ${count(more)} more${reportFile ? "" : " (--report FILE writes them all)"}`,
      );
    }
  }
  if (reportFile) lines.push("", `Report of the ${count(rejected)} rejected rows: ${reportFile}`);
  return `${lines.join("\n")}\n`;
}

/** The rows with the first one (already read, to check the file before the database) put back. */
async function* withFirst(
  first: IteratorResult<CustomerRow>,
  rest: AsyncIterable<CustomerRow>,
): AsyncGenerator<CustomerRow> {
  if (first.done) return;
  yield first.value;
  yield* rest;
}

async function main(): Promise<number> {
  const commandLine = readFileCommandLine(
    () =>
      parseArgs({
        allowPositionals: true,
        options: { report: { type: "string" }, help: { type: "boolean", short: "h" } },
      }),
    usage,
    "import",
  );
  if (typeof commandLine === "number") return commandLine;
  const { file, format, values } = commandLine;
  const reportFile = values.report;
  if (reportFile !== undefined && (reportFile === "" || resolve(reportFile) === resolve(file))) {
    return usageError("--report needs a file name other than the file being imported", usage);
  }

  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return failure(`cannot read ${file}: not a file`);
    size = info.size;
  } catch (error) {
    return failure(`cannot read ${file}: ${(error as Error).message}`);
  }
  // One pass, streaming: the header (the first row) is read before the database is touched.
  const input = createReadStream(file, "utf8");
  const rows = readCustomerRows(input, format);
  let first: IteratorResult<CustomerRow>;
  try {
    first = await rows.next();
  } catch (error) {
    if (error instanceof CustomerFileError) return failure(`${file}: ${error.message}`);
    return failure(`cannot read ${file}: ${(error as Error).message}`);
  }
  let report: FileHandle | undefined;
  try {
    report = reportFile === undefined ? undefined : await open(reportFile, "w");
  } catch (error) {
    await rows.return(undefined);
    return failure(`cannot write the report to ${reportFile}: ${(error as Error).message}`);
  }

  // Loaded only now: usage errors and unreadable files are answered without loading the database driver.
  const { openCliDatabase } = await import("./cli-database.js");
  const { importCustomers } = await import("../customers/customer-import.js");
  const { customers, audit, close } = await openCliDatabase();
  const progress = progressLine(process.stderr);
  const point = (p: ImportProgress) => ({
    rows: p.read,
    done: size > 0 ? input.bytesRead / size : null,
    detail: `${count(p.created)} created · ${count(p.invalid + p.duplicates)} rejected`,
  });
  let last: ImportProgress = { read: 0, created: 0, invalid: 0, duplicates: 0 };
  const printed: ImportError[] = [];
  let result: ImportReport;
  try {
    result = await importCustomers(withFirst(first, rows), {
      customers,
      audit,
      actorId: actorId(),
      source: basename(file),
      onRejected: async (errors) => {
        printed.push(...errors.slice(0, printedErrors - printed.length));
        // Written as they come (and awaited: a slow disk slows the import, memory stays flat).
        await report?.write(errors.map((error) => `${JSON.stringify(error)}\n`).join(""));
      },
      onProgress: (p) => {
        last = p;
        progress.update(point(p));
      },
    });
  } catch (error) {
    progress.done(point(last));
    return failure(
      `${(error as Error).message}\nRows before that were imported (and their rejected rows reported); running the same file again is safe (existing accounts are skipped).`,
    );
  } finally {
    await report?.close();
    await close();
  }
  progress.done(point(result));
  process.stdout.write(summary(file, result, printed, reportFile));
  return exit.processed;
}

runCli("import", main, exit.failed);
