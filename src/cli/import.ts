import "dotenv/config";
import { createReadStream } from "node:fs";
import { stat, writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { basename, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  CustomerFileError,
  type CustomerFileFormat,
  readCustomerRows,
} from "../customers/customer-file-format.js";
import type { ImportError, ImportProgress, ImportReport } from "../customers/customer-import.js";
import { readFileCommandLine, usageError } from "./file-command-line.js";

const usage = `Usage: npm run import -- FILE [--report REPORT.jsonl]

Adds the customers in FILE as new customers (status on, no password, zero balance and credits).
  FILE             .csv with a header row, or .jsonl / .ndjson with one JSON object a line.
                   Columns: account, teamName, teamType, companyName, tag (also team_name,
                   team_type, company_name, company; any case). Other columns are ignored, so an
                   export can be imported again. A CSV cell that starts with ' followed by
                   = + - @ tab, CR, LF or ' loses that first ' (the export put it there).
  --report FILE    also write every rejected row to FILE as JSON lines: {"line", "account", "reasons"}
  -h, --help       show this help

Every row is checked like the Slack create form. Rows with problems and accounts that already exist
are reported and skipped; running the same file twice creates nothing the second time.
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

/** A first pass that only reads the file: the total for the progress display, and file errors before any write. */
async function countRows(file: string, format: CustomerFileFormat): Promise<number> {
  let rows = 0;
  for await (const _row of readCustomerRows(createReadStream(file, "utf8"), format)) rows += 1;
  return rows;
}

/** `\r`-updated on a terminal; otherwise one line per 1,000 rows (logs stay readable). */
function progressDisplay(total: number) {
  const terminal = Boolean(process.stderr.isTTY);
  let thousandsShown = 0;
  let shown = false;
  const text = (p: ImportProgress) =>
    `  ${count(p.read)} / ${count(total)} rows · ${count(p.created)} created · ${count(p.invalid + p.duplicates)} rejected`;
  return {
    update(p: ImportProgress) {
      if (terminal) {
        process.stderr.write(`\r${text(p)}`);
        shown = true;
      } else if (Math.floor(p.read / 1000) > thousandsShown) {
        thousandsShown = Math.floor(p.read / 1000);
        process.stderr.write(`${text(p)}\n`);
      }
    },
    done() {
      if (shown) process.stderr.write("\n");
    },
  };
}

function errorLine(error: ImportError): string {
  const who = error.account ? ` (${visible(error.account)})` : "";
  return `  line ${error.line}${who}: ${visible(error.reasons.join("; "))}`;
}

function summary(file: string, report: ImportReport, reportFile: string | undefined): string {
  const rows: [string, number][] = [
    ["rows read", report.read],
    ["created", report.created],
    ["rejected (invalid)", report.invalid],
    ["rejected (duplicates)", report.duplicates],
  ];
  const width = Math.max(...rows.map(([, n]) => count(n).length));
  const lines = [`Imported ${basename(file)}`];
  for (const [label, n] of rows)
    lines.push(`  ${`${label}:`.padEnd(23)}${count(n).padStart(width)}`);
  if (report.errors.length > 0) {
    lines.push("", "Rejected rows:");
    for (const error of report.errors.slice(0, printedErrors)) lines.push(errorLine(error));
    const more = report.errors.length - printedErrors;
    if (more > 0) {
      lines.push(
        `  … and ${count(more)} more${reportFile ? "" : " (--report FILE writes them all)"}`,
      );
    }
  }
  if (reportFile)
    lines.push("", `Report of the ${count(report.errors.length)} rejected rows: ${reportFile}`);
  return `${lines.join("\n")}\n`;
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

  try {
    const info = await stat(file);
    if (!info.isFile()) return failure(`cannot read ${file}: not a file`);
  } catch (error) {
    return failure(`cannot read ${file}: ${(error as Error).message}`);
  }
  let total: number;
  try {
    total = await countRows(file, format);
  } catch (error) {
    if (error instanceof CustomerFileError) return failure(`${file}: ${error.message}`);
    return failure(`cannot read ${file}: ${(error as Error).message}`);
  }

  // Loaded only now: usage errors and unreadable files are answered without loading the database driver.
  const { openCliDatabase } = await import("./cli-database.js");
  const { importCustomers } = await import("../customers/customer-import.js");
  const { customers, audit, close } = await openCliDatabase();
  const progress = progressDisplay(total);
  let report: ImportReport;
  try {
    report = await importCustomers(readCustomerRows(createReadStream(file, "utf8"), format), {
      customers,
      audit,
      actorId: actorId(),
      source: basename(file),
      onProgress: (p) => progress.update(p),
    });
  } catch (error) {
    progress.done();
    return failure(
      `${(error as Error).message}\nRows before that were imported; running the same file again is safe (existing accounts are skipped).`,
    );
  } finally {
    await close();
  }
  progress.done();

  if (reportFile !== undefined) {
    const lines = report.errors.map((error) => `${JSON.stringify(error)}\n`).join("");
    try {
      await writeFile(reportFile, lines);
    } catch (error) {
      process.stdout.write(summary(file, report, undefined));
      return failure(`cannot write the report to ${reportFile}: ${(error as Error).message}`);
    }
  }
  process.stdout.write(summary(file, report, reportFile));
  return exit.processed;
}

// `npm run import -- … | head`: a reader that stops early is not a failure of the import.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`import failed: ${(error as Error).message}\n`);
    process.exitCode = exit.failed;
  },
);
