import { appendFile, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { RecordedQuery } from "./command-recorder.js";

/** One line of a worker's query log: a query shape one test file made the app send. */
const verdictSchema = z.union([
  z.object({ ok: z.literal(true), index: z.string() }),
  z.object({ ok: z.literal(false), problem: z.string() }),
]);

const loggedQuerySchema = z.object({
  file: z.string(),
  collection: z.string(),
  shape: z.string(),
  verdict: verdictSchema,
  /** Set when explain decided `verdict`: the rules' verdict. */
  rules: verdictSchema.optional(),
  allowed: z.string().nullable(),
  commands: z.number(),
  sites: z.array(z.string()),
});
export type LoggedQuery = z.infer<typeof loggedQuerySchema>;

/** What recording cost a test file (measured inside the `commandStarted` listener). */
const fileCostSchema = z.object({
  file: z.string(),
  recordingMs: z.number(),
  excludedTestCommands: z.number(),
});

const logLineSchema = z.union([
  z.object({ query: loggedQuerySchema }),
  z.object({ cost: fileCostSchema }),
]);

/** Appends one test file's queries to this worker's log in `directory`. */
export async function logQueries(
  directory: string,
  file: string,
  queries: readonly RecordedQuery[],
  allowed: (query: RecordedQuery) => string | null,
  cost: { recordingMs: number; excludedTestCommands: number },
): Promise<void> {
  const lines = queries.map((query) =>
    JSON.stringify({
      query: {
        file,
        collection: query.collection,
        shape: query.shape,
        verdict: query.verdict,
        ...(query.rulesVerdict ? { rules: query.rulesVerdict } : {}),
        allowed: allowed(query),
        commands: query.app + query.unattributed,
        sites: query.sites,
      } satisfies LoggedQuery,
    }),
  );
  lines.push(JSON.stringify({ cost: { file, ...cost } }));
  await appendFile(join(directory, `worker-${process.pid}.jsonl`), `${lines.join("\n")}\n`);
}

/** Every worker's log in `directory`. */
export async function readQueryLogs(directory: string): Promise<{
  queries: LoggedQuery[];
  costs: z.infer<typeof fileCostSchema>[];
}> {
  const queries: LoggedQuery[] = [];
  const costs: z.infer<typeof fileCostSchema>[] = [];
  for (const name of await readdir(directory)) {
    if (!name.endsWith(".jsonl")) continue;
    for (const line of (await readFile(join(directory, name), "utf8")).split("\n")) {
      if (!line) continue;
      const parsed = logLineSchema.parse(JSON.parse(line));
      if ("query" in parsed) queries.push(parsed.query);
      else costs.push(parsed.cost);
    }
  }
  return { queries, costs };
}

/**
 * What explain mode saw: how many shapes it explained, and each whose verdict differs from the
 * rules' (a gap in the rules or in the server's planner, to look into).
 */
export function explainSummary(queries: readonly LoggedQuery[]): string {
  const explained = queries.filter((query) => query.rules);
  const shapes = new Set(explained.map((query) => `${query.collection} ${query.shape}`));
  const differ = new Map<string, string>();
  for (const query of explained) {
    if (!query.rules || query.rules.ok === query.verdict.ok) continue;
    const say = (verdict: LoggedQuery["verdict"]) =>
      verdict.ok ? `ok (${verdict.index})` : `fails (${verdict.problem})`;
    differ.set(
      `${query.collection}: ${query.shape}`,
      `rules ${say(query.rules)}; explain ${say(query.verdict)}`,
    );
  }
  const lines = [
    `Explain: ${explained.length} queries (${shapes.size} shapes) re-checked by explain("executionStats"); ${differ.size} shapes whose verdict differs from the rules'.`,
  ];
  for (const [shape, why] of differ) lines.push(`  • ${shape}\n    ${why}`);
  return lines.join("\n");
}
