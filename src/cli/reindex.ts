import "dotenv/config";
import { progressLine } from "../files/progress-line.js";
import { readHelpOnlyCommandLine } from "./file-command-line.js";
import { runCli } from "./run-cli.js";

const usage = `Usage: npm run reindex

Rebuilds every customer's search keys (what /customer list TEXT and references match by word
prefix), 1,000 customers a batch in _id order, then counts every customer's lifetime totals and
day buckets (what billing details shows) from the ledger. Run it after upgrading and after the
console has written customers: until then they are found by their exact account or internal ID
only, and their billing totals are counted from the ledger on every view. Safe to run while the bot
runs, and to run again. Progress (rows, rows/s, share done, ETA) runs on stderr.
  -h, --help   show this help

Exit code: 0 done, 1 it failed, 2 bad usage.
`;

const exit = { done: 0, failed: 1 } as const;
const count = (n: number) => n.toLocaleString("en-US");

async function main(): Promise<number> {
  const stop = readHelpOnlyCommandLine(usage);
  if (stop !== null) return stop;
  // Loaded only now: usage errors are answered without loading the database driver.
  const { openCliDatabase } = await import("./cli-database.js");
  const { reindexSearchKeys } = await import("../customers/search-key-reindex.js");
  const { backfillTotals } = await import("../ledger/backfill-totals.js");
  const { db, customers, close } = await openCliDatabase();
  try {
    process.stderr.write("Search keys:\n");
    const keys = progressLine(process.stderr);
    const rewritten = await reindexSearchKeys(customers, ({ done, total }) =>
      keys.update({ rows: done, done: total > 0 ? done / total : null }),
    );
    keys.done({ rows: rewritten, done: 1 });
    process.stderr.write("Totals and day buckets, counted from the ledger:\n");
    const totals = progressLine(process.stderr);
    const counted = await backfillTotals(db, ({ done, estimatedTotal }) =>
      totals.update({ rows: done, done: estimatedTotal > 0 ? done / estimatedTotal : null }),
    );
    totals.done({ rows: counted, done: 1 });
    process.stdout.write(
      `Rebuilt the search keys of ${count(rewritten)} customers and counted the totals of ${count(counted)} from the ledger\n`,
    );
    return exit.done;
  } finally {
    await close();
  }
}

runCli("reindex", main, exit.failed);
