import { randomBytes } from "node:crypto";
import { MongoClient } from "mongodb";
import { connectDatabase, type Database } from "../../../src/db/mongo.js";
import { createLogger } from "../../../src/logging/logger.js";
import type { RecordedQuery } from "./command-recorder.js";
import { planVerdict, readExplain } from "./explain-plan.js";

const queryFields = {
  find: ["find", "filter", "sort", "projection", "skip", "limit", "hint", "collation"],
  aggregate: ["aggregate", "pipeline", "hint", "collation"],
} as const;

/** The recorded command without its session, transaction and routing fields. */
function explainable(query: RecordedQuery): Record<string, unknown> | undefined {
  const sample = query.sample;
  if (!sample || (query.kind !== "find" && query.kind !== "aggregate")) return undefined;
  const command: Record<string, unknown> = {};
  for (const field of queryFields[query.kind]) if (field in sample) command[field] = sample[field];
  if (query.kind === "aggregate") command.cursor = {};
  return command;
}

/**
 * On a real MongoDB: re-runs each recorded find and aggregate with `explain("executionStats")` in a
 * scratch database of this worker's that has the declared indexes (and no documents, so the planner decides by the
 * indexes alone), and replaces the rules' verdict with the plan's: no COLLSCAN, no blocking SORT,
 * no SKIP. A filterless read bounded by its limit may scan; a count of every match still fails (a
 * plan cannot show that it walks them all).
 */
/** Prefix of the scratch databases explain runs in: one per worker, dropped at the end of the run. */
export const scratchPrefix = "query_plans_";

let scratch: Promise<Database> | undefined;

/** This worker's scratch database, with the declared indexes (created once, then reused). */
function scratchDatabase(uri: string): Promise<Database> {
  scratch ??= connectDatabase({
    uri,
    dbName: `${scratchPrefix}${randomBytes(5).toString("hex")}`,
    logger: createLogger({ level: "silent", pretty: false }),
    clientOptions: { monitorCommands: false },
  });
  return scratch;
}

/** Drops every worker's scratch database (at the end of the run). */
export async function dropScratchDatabases(uri: string): Promise<void> {
  const client = await new MongoClient(uri, { serverSelectionTimeoutMS: 5000 }).connect();
  try {
    const { databases } = await client.db().admin().listDatabases({ nameOnly: true });
    for (const { name } of databases)
      if (name.startsWith(scratchPrefix)) await client.db(name).dropDatabase();
  } finally {
    await client.close();
  }
}

const created = new Set<string>();

/**
 * Creates `name` (empty) in the scratch database unless it exists: a collection no index was
 * declared for would not, and a planner answers EOF for a missing collection, whatever the query.
 */
async function ensureCollection(database: Database, name: string): Promise<void> {
  if (created.has(name)) return;
  const existing = await database.db.listCollections({ name }, { nameOnly: true }).toArray();
  if (existing.length === 0) await database.db.createCollection(name);
  created.add(name);
}

export async function withExplainVerdicts(
  uri: string,
  queries: RecordedQuery[],
): Promise<RecordedQuery[]> {
  const toExplain = queries.filter((query) => explainable(query));
  if (toExplain.length === 0) return queries;
  const database = await scratchDatabase(uri);
  const explained = new Map<RecordedQuery, RecordedQuery>();
  for (const query of toExplain) {
    await ensureCollection(database, query.collection);
    const answer = await database.db.command({
      explain: explainable(query),
      verbosity: "executionStats",
    });
    explained.set(query, {
      ...query,
      verdict: planVerdict(query.verdict, query.counts, readExplain(answer)),
      rulesVerdict: query.verdict,
    });
  }
  return queries.map((query) => explained.get(query) ?? query);
}
