import "dotenv/config";
import { progressLine } from "../files/progress-line.js";
import type { ChainBreak } from "../integrity/chain-walk.js";
import type { IntegrityCheck } from "../integrity/verify-all.js";
import { currencyOf, isKnownCurrency } from "../money/currency.js";
import { readHelpOnlyCommandLine } from "./file-command-line.js";
import { runCli } from "./run-cli.js";

const usage = `Usage: npm run verify

Verifies the ledger and the audit trail (README "The ledger's hash chain"): for every customer, the
ledger's hash chain (each entry's hash recomputed, each link, seq 1, 2, … without gaps or repeats,
the chain's head on the customer) and its sums against the stored balance, credits, lifetime totals
and day buckets, each customer in one snapshot; then the audit trail's one chain up to its head.
Prints each problem on stdout as it is found (chain, customer, seq, _id, time, what), progress on
stderr, then a summary. Entries written before chaining (no seq) are counted, and only their sums
are checked.
  -h, --help   show this help

Exit code: 0 chains intact and sums match, 1 problems were found (or the check could not run),
2 bad usage.
`;

const exit = { intact: 0, broken: 1 } as const;
const count = (n: number) => n.toLocaleString("en-US");

function describe(chain: string, owner: string, found: ChainBreak): string {
  const seq = found.seq === null ? "-" : `seq ${found.seq}`;
  return `${chain}\t${owner}\t${seq}\t${found.id ?? "-"}\t${found.at?.toISOString() ?? "-"}\t${found.what}\n`;
}

function more(chain: string, owner: string, total: number, shown: number): string {
  return total > shown ? `${chain}\t${owner}\t…and ${count(total - shown)} more problems\n` : "";
}

function summary(check: IntegrityCheck): string {
  const ledger = `${count(check.customers)} customers (${count(check.chainedEntries)} chained entries${check.unchainedEntries > 0 ? `, ${count(check.unchainedEntries)} written before chaining: sums only` : ""})`;
  const audit = `${count(check.audit.chained)} chained audit events`;
  const problems = [
    ...(check.ledgerBreaks > 0
      ? [`${count(check.ledgerBreaks)} in the ledgers of ${count(check.brokenCustomers)} customers`]
      : []),
    ...(check.audit.totalBreaks > 0
      ? [`${count(check.audit.totalBreaks)} in the audit chain`]
      : []),
  ];
  const uncounted =
    check.uncountedTotals > 0
      ? `\n${count(check.uncountedTotals)} customers' lifetime totals were never counted (npm run reindex counts them); their balance and credits were checked.`
      : "";
  return `Checked ${ledger} and ${audit}: ${problems.length === 0 ? "chains intact, sums match" : `problems found: ${problems.join(", ")}`}${uncounted}\n`;
}

async function main(): Promise<number> {
  const stop = readHelpOnlyCommandLine(usage);
  if (stop !== null) return stop;
  const code = (process.env.CURRENCY ?? "USD").trim().toUpperCase();
  if (!isKnownCurrency(code)) throw new Error(`CURRENCY ${code} is not an ISO 4217 currency code`);
  // Loaded only now: the help is answered without loading the database driver.
  const { openCliDatabase } = await import("./cli-database.js");
  const { verifyEverything } = await import("../integrity/verify-all.js");
  const { db, audit, close } = await openCliDatabase();
  const customersProgress = progressLine(process.stderr);
  let auditProgress: ReturnType<typeof progressLine> | undefined;
  try {
    const check = await verifyEverything(db, audit, currencyOf(code), {
      onCustomer: (found) => {
        for (const each of found.breaks)
          process.stdout.write(describe("ledger", found.customerId, each));
        process.stdout.write(
          more("ledger", found.customerId, found.totalBreaks, found.breaks.length),
        );
      },
      onCustomerProgress: ({ done, estimatedTotal }) =>
        customersProgress.update({
          rows: done,
          done: estimatedTotal > 0 ? done / estimatedTotal : null,
          detail: "customers",
        }),
      onAuditProgress: ({ done, total }) => {
        auditProgress ??= progressLine(process.stderr);
        auditProgress.update({
          rows: done,
          done: total > 0 ? done / total : null,
          detail: "audit events",
        });
      },
    });
    customersProgress.done({ rows: check.customers, done: 1, detail: "customers" });
    (auditProgress ?? progressLine(process.stderr)).done({
      rows: check.audit.chained,
      done: 1,
      detail: "audit events",
    });
    for (const each of check.audit.breaks) process.stdout.write(describe("audit", "-", each));
    process.stdout.write(more("audit", "-", check.audit.totalBreaks, check.audit.breaks.length));
    process.stdout.write(summary(check));
    return check.ledgerBreaks + check.audit.totalBreaks === 0 ? exit.intact : exit.broken;
  } finally {
    await close();
  }
}

runCli("verify", main, exit.broken);
