import "dotenv/config";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { parseArgs } from "node:util";
import { progressLine } from "../files/progress-line.js";
import { readFileCommandLine } from "./file-command-line.js";
import { runCli } from "./run-cli.js";

const usage = `Usage: npm run export -- FILE
       npm run export -- --audit FILE

Writes every customer, oldest first, to FILE (replacing it): CSV with a header row when FILE ends in
.csv, one JSON object a line when it ends in .jsonl or .ndjson.
  Columns: customerId, account, teamName, teamType, companyName, balanceMinor, creditsMinor, status,
  tag, createdAt. Money is in integer minor units (cents); dates are ISO 8601 (UTC). Password hashes
  are never exported. The file can be given to npm run import as it is.
  In CSV, a text cell starting with = + - @ tab, CR, LF or ' is written behind one more ' (and
  quoted), so a spreadsheet shows it as text instead of running it; numbers are written as numbers.
  --audit      write the audit trail instead (every change and refused attempt, oldest first):
               at, actorId, actorRole, action, outcome, customerId, account, approvalId, inviteId,
               before, after, detail, requestId (before/after as JSON).
  -h, --help   show this help

Streams (1,000 rows a round trip, flat memory); a progress line with rows/s and an ETA runs on stderr.
Exit code: 0 written, 1 it could not be written, 2 bad usage.
`;

const exit = { done: 0, failed: 1 } as const;

async function main(): Promise<number> {
  const commandLine = readFileCommandLine(
    () =>
      parseArgs({
        allowPositionals: true,
        options: { help: { type: "boolean", short: "h" }, audit: { type: "boolean" } },
      }),
    usage,
    "write",
  );
  if (typeof commandLine === "number") return commandLine;
  const { file, format, values } = commandLine;

  // Loaded only now: usage errors and unreadable files are answered without loading the database driver.
  const { openCliDatabase } = await import("./cli-database.js");
  const { exportCustomers } = await import("../customers/customer-export.js");
  const { exportAudit } = await import("../audit/audit-export.js");
  const { customers, audit, close } = await openCliDatabase();
  // Written beside FILE first and renamed when complete: a failed export never leaves half a file.
  const partial = `${file}.partial-${process.pid}`;
  let written = 0;
  const progress = progressLine(process.stderr);
  try {
    // An estimate from the collection's metadata (no scan): only the ETA depends on it.
    const total = await (values.audit ? audit : customers).estimatedCount();
    const point = (rows: number) => ({ rows, done: total > 0 ? rows / total : null });
    const onRecords = (rows: number) => {
      written = rows;
      progress.update(point(rows));
    };
    const output = createWriteStream(partial, { flags: "wx" });
    written = await (values.audit
      ? exportAudit(audit, format, output, onRecords)
      : exportCustomers(customers, format, output, onRecords));
    progress.done(point(written));
    await rename(partial, file);
  } catch (error) {
    if (written > 0) progress.done({ rows: written, done: null });
    await rm(partial, { force: true }).catch(() => {});
    process.stderr.write(`export failed: ${(error as Error).message}\n`);
    return exit.failed;
  } finally {
    await close();
  }
  process.stdout.write(
    `Exported ${written.toLocaleString("en-US")} ${values.audit ? "audit events" : "customers"} to ${file}\n`,
  );
  return exit.done;
}

runCli("export", main, exit.failed);
