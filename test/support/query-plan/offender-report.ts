import type { RecordedQuery } from "./command-recorder.js";

/** The failure message: each offending query, why, how often, and where it was sent from. */
export function offenderReport(file: string, offenders: readonly RecordedQuery[]): string {
  const lines = [
    `${offenders.length} quer${offenders.length === 1 ? "y" : "ies"} the app sent in ${file} would scan or sort in memory at scale`,
    "(checked against the indexes declared in src/db/indexes.ts; see README “Queries and their indexes”):",
  ];
  for (const query of offenders) {
    lines.push("", `• ${query.collection}: ${query.shape}`);
    if (!query.verdict.ok) lines.push(`  why: ${query.verdict.problem}`);
    lines.push(
      `  sent ${query.app + query.unattributed}× from ${query.sites.join("; ") || "an unknown call site"}`,
    );
    for (const stack of query.stacks)
      lines.push(...stack.split("\n").map((line) => `    ${line}`), "");
  }
  lines.push(
    "Give the query an index in src/db/indexes.ts (equality fields first, then the sort, then ranges), or —",
    "only if it is bounded by design — add it with the reason to test/support/query-plan/allowed-queries.ts.",
  );
  return lines.join("\n");
}
