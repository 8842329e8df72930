import "dotenv/config";
import { parseArgs } from "node:util";
import type { ReindexProgress } from "../customers/search-key-reindex.js";
import { usageError } from "./file-command-line.js";

const usage = `Usage: npm run reindex

Rebuilds every customer's search keys (what /customer list TEXT and references match by word
prefix), 1,000 customers a batch in _id order. Run it after the console has written customers:
until then they are found by their exact account or internal ID only. Safe to run while the bot
runs, and to run again. Progress (done / total, rows/s) runs on stderr.
  -h, --help   show this help

Exit code: 0 done, 1 it failed, 2 bad usage.
`;

const exit = { done: 0, failed: 1 } as const;
const count = (n: number) => n.toLocaleString("en-US");

/** `\r`-updated on a terminal; otherwise one line per batch (logs stay readable). */
function showProgress(p: ReindexProgress) {
  const line = `  ${count(p.done)} / ${count(p.total)} customers · ${count(Math.round(p.perSecond))} rows/s`;
  process.stderr.write(process.stderr.isTTY ? `\r${line}` : `${line}\n`);
}

async function main(): Promise<number> {
  let help: boolean | undefined;
  try {
    ({ help } = parseArgs({ options: { help: { type: "boolean", short: "h" } } }).values);
  } catch (error) {
    return usageError((error as Error).message, usage);
  }
  if (help) {
    process.stdout.write(usage);
    return exit.done;
  }
  // Loaded only now: usage errors are answered without loading the database driver.
  const { openCliDatabase } = await import("./cli-database.js");
  const { reindexSearchKeys } = await import("../customers/search-key-reindex.js");
  const { customers, close } = await openCliDatabase();
  try {
    const rewritten = await reindexSearchKeys(customers, showProgress);
    if (process.stderr.isTTY) process.stderr.write("\n");
    process.stdout.write(`Rebuilt the search keys of ${count(rewritten)} customers\n`);
    return exit.done;
  } finally {
    await close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`reindex failed: ${(error as Error).message}\n`);
    process.exitCode = exit.failed;
  },
);
