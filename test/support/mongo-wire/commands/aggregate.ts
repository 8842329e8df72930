import type { Document } from "bson";
import { failedToParse, typeMismatch } from "../errors.js";
import { compileFilter, runPipeline } from "../query-engine.js";
import { isPlainObject } from "../values.js";
import { cursorBatchSize, requiredArray } from "./arguments.js";
import { explainAggregate } from "./explain.js";
import { findMatching, matchingLazily, type ReadTrace } from "./matching.js";
import type { CommandContext, CommandDefinition } from "./types.js";

/** The operand of `stage` when it is the one stage `name`. */
function stageOf(stage: unknown, name: string): unknown {
  return isPlainObject(stage) && Object.keys(stage).length === 1 ? stage[name] : undefined;
}

/**
 * The stages right after the match and sort that a server runs as the documents stream by —
 * `$match`, `$skip`, `$limit` — when they include a `$limit`, which ends the read once reached
 * (`$match, $limit 2000, $match, $limit 20` reads until 20 pass, or 2,000 were considered, as
 * MongoDB does); null when there is no such limit.
 */
function streamedStages(stages: Document[]): { streamed: Document[]; rest: Document[] } | null {
  let end = 0;
  let limited = false;
  for (const stage of stages) {
    const limit = stageOf(stage, "$limit");
    const skip = stageOf(stage, "$skip");
    const match = stageOf(stage, "$match");
    if (typeof limit === "number" && limit > 0) limited = true;
    else if (!(typeof skip === "number" && skip >= 0) && !isPlainObject(match)) break;
    end++;
  }
  return limited ? { streamed: stages.slice(0, end), rest: stages.slice(end) } : null;
}

/** Passes `documents` through `stages` (`$match`/`$skip`/`$limit`) one by one, stopping at a reached limit. */
function streamThrough(documents: Iterable<Document>, stages: Document[]): Document[] {
  const steps = stages.map((stage) => {
    const match = stageOf(stage, "$match");
    if (isPlainObject(match)) return { kind: "match" as const, test: compileFilter(match) };
    const limit = stageOf(stage, "$limit");
    if (typeof limit === "number") return { kind: "limit" as const, left: Math.floor(limit) };
    return { kind: "skip" as const, left: Math.floor(stageOf(stage, "$skip") as number) };
  });
  const out: Document[] = [];
  reading: for (const doc of documents) {
    for (const step of steps) {
      if (step.kind === "match") {
        if (!step.test(doc)) continue reading;
      } else if (step.kind === "skip") {
        if (step.left > 0) {
          step.left--;
          continue reading;
        }
      } else {
        step.left--;
      }
    }
    out.push(doc);
    // A limit just filled: nothing more can pass it.
    if (steps.some((step) => step.kind === "limit" && step.left <= 0)) break;
  }
  return out;
}

/** What an aggregate ran, as it ran. */
export interface AggregateRun {
  readonly ns: string;
  readonly results: Document[];
  /** The leading `$match` and `$sort` run through the index walk (undefined: none). */
  readonly match?: Document;
  readonly sort?: Document;
  /** The `$match`/`$skip`/`$limit` stages after them run as the walk's documents streamed by. */
  readonly streamed: Document[];
  /** The stages run over what the query part gave. */
  readonly rest: Document[];
}

/** Runs an aggregate up to its results; `trace` notes how its query part read (for `explain`). */
export function runAggregate(
  command: Document,
  { view, dbName }: CommandContext,
  trace?: ReadTrace,
): AggregateRun {
  const target = command.aggregate;
  if (target !== 1 && (typeof target !== "string" || target === "")) {
    throw typeMismatch("aggregate must name a collection or be 1");
  }
  let pipeline = requiredArray(command, "pipeline") as Document[];
  let source: Document[] = [];
  let query: Pick<AggregateRun, "match" | "sort" | "streamed"> = { streamed: [] };
  if (typeof target === "string") {
    const collection = view.collection(dbName, target);
    // A leading $match (with the $sort after it) is run here, through an index when one fits.
    const leadingMatch = stageOf(pipeline[0], "$match");
    if (isPlainObject(leadingMatch)) {
      const sort = stageOf(pipeline[1], "$sort");
      const request = {
        filter: leadingMatch,
        sort: isPlainObject(sort) ? sort : undefined,
        hint: command.hint,
        trace,
      };
      const rest = pipeline.slice(isPlainObject(sort) ? 2 : 1);
      const streaming = streamedStages(rest);
      if (streaming) {
        source = streamThrough(matchingLazily(collection, request), streaming.streamed);
        pipeline = streaming.rest;
      } else {
        source = findMatching(collection, request);
        pipeline = rest;
      }
      query = { match: leadingMatch, sort: request.sort, streamed: streaming?.streamed ?? [] };
    } else {
      source = collection?.all() ?? [];
      if (trace) trace.matched = source.length;
    }
  }
  const results = runPipeline(
    source,
    pipeline,
    (name) => view.collection(dbName, name)?.all() ?? [],
  );
  const ns = typeof target === "string" ? `${dbName}.${target}` : `${dbName}.$cmd.aggregate`;
  return { ns, results, ...query, rest: pipeline };
}

function aggregate(command: Document, context: CommandContext): Document {
  if (command.explain !== undefined && command.explain !== false) {
    // The legacy spelling of explain (`{ aggregate, pipeline, explain: true }`): the query plan.
    if (command.explain !== true) throw typeMismatch("BSON field 'explain' must be a boolean");
    return explainAggregate(command, context, "queryPlanner");
  }
  if (!isPlainObject(command.cursor)) {
    throw failedToParse(
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  }
  const { ns, results } = runAggregate(command, context);
  return { cursor: context.cursors.open(ns, results, cursorBatchSize(command)), ok: 1 };
}

export const aggregateCommands: Record<string, CommandDefinition> = {
  aggregate: {
    options: ["pipeline", "cursor", "explain", "allowDiskUse", "hint", "bypassDocumentValidation"],
    allowedInTransaction: true,
    run: aggregate,
  },
};
