import "dotenv/config";
import { progressLine } from "../files/progress-line.js";
import type { TotalsDifference } from "../ledger/totals-differences.js";
import { readHelpOnlyCommandLine } from "./file-command-line.js";
import { runCli } from "./run-cli.js";

const usage = `Usage: npm run verify-totals

Checks every customer against the ledger: balance and credits (the sums of their entries), the
lifetime totals on the customer (refilled, deducted, granted, returned) and the per-day buckets in
ledger_days. Each customer is read in one snapshot, so changes made meanwhile are not reported.
Prints each difference on stdout as it is found (customer, what, stored, ledger; "not counted" when
the customer's totals were never counted: npm run reindex counts them), progress on stderr.
  -h, --help   show this help

Exit code: 0 everything agrees, 1 differences were found (or the check failed), 2 bad usage.
`;

const exit = { agrees: 0, differs: 1 } as const;

function describe(difference: TotalsDifference): string {
  const stored = difference.stored === null ? "not counted" : String(difference.stored);
  return `${difference.customerId}\t${difference.what}\tstored ${stored}\tledger ${difference.ledger}\n`;
}

async function main(): Promise<number> {
  const stop = readHelpOnlyCommandLine(usage);
  if (stop !== null) return stop;
  // Loaded only now: the help is answered without loading the database driver.
  const { openCliDatabase } = await import("./cli-database.js");
  const { verifyTotals } = await import("../ledger/verify-totals.js");
  const { db, close } = await openCliDatabase();
  const progress = progressLine(process.stderr);
  try {
    const check = await verifyTotals(db, {
      onDifference: (difference) => process.stdout.write(describe(difference)),
      onProgress: ({ done, estimatedTotal }) =>
        progress.update({ rows: done, done: estimatedTotal > 0 ? done / estimatedTotal : null }),
    });
    progress.done({ rows: check.customers, done: 1 });
    process.stdout.write(
      `Checked ${check.customers.toLocaleString("en-US")} customers: ${check.differences === 0 ? "everything agrees with the ledger" : `${check.differences.toLocaleString("en-US")} differences`}\n`,
    );
    return check.differences === 0 ? exit.agrees : exit.differs;
  } finally {
    await close();
  }
}

runCli("verify-totals", main, exit.differs);
