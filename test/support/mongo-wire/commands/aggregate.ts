import type { Document } from "bson";
import { failedToParse, typeMismatch, unsupported } from "../errors.js";
import { compileFilter, runPipeline } from "../query-engine.js";
import { isPlainObject } from "../values.js";
import { cursorBatchSize, requiredArray } from "./arguments.js";
import { findMatching, matchingLazily } from "./matching.js";
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

function aggregate(command: Document, { view, cursors, dbName }: CommandContext): Document {
  if (command.explain) throw unsupported("aggregate with explain");
  if (!isPlainObject(command.cursor)) {
    throw failedToParse(
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  }
  const target = command.aggregate;
  if (target !== 1 && (typeof target !== "string" || target === "")) {
    throw typeMismatch("aggregate must name a collection or be 1");
  }
  let pipeline = requiredArray(command, "pipeline") as Document[];
  let source: Document[] = [];
  if (typeof target === "string") {
    const collection = view.collection(dbName, target);
    // A leading $match (with the $sort after it) is run here, through an index when one fits.
    const leadingMatch = stageOf(pipeline[0], "$match");
    if (isPlainObject(leadingMatch)) {
      const sort = stageOf(pipeline[1], "$sort");
      const rest = pipeline.slice(isPlainObject(sort) ? 2 : 1);
      const streaming = streamedStages(rest);
      if (streaming) {
        source = streamThrough(
          matchingLazily(collection, {
            filter: leadingMatch,
            sort: isPlainObject(sort) ? sort : undefined,
            hint: command.hint,
          }),
          streaming.streamed,
        );
        pipeline = streaming.rest;
      } else {
        source = findMatching(collection, {
          filter: leadingMatch,
          sort: isPlainObject(sort) ? sort : undefined,
          hint: command.hint,
        });
        pipeline = rest;
      }
    } else {
      source = collection?.all() ?? [];
    }
  }
  const results = runPipeline(
    source,
    pipeline,
    (name) => view.collection(dbName, name)?.all() ?? [],
  );
  const ns = typeof target === "string" ? `${dbName}.${target}` : `${dbName}.$cmd.aggregate`;
  return { cursor: cursors.open(ns, results, cursorBatchSize(command)), ok: 1 };
}

export const aggregateCommands: Record<string, CommandDefinition> = {
  aggregate: {
    options: ["pipeline", "cursor", "explain", "allowDiskUse", "hint", "bypassDocumentValidation"],
    allowedInTransaction: true,
    run: aggregate,
  },
};
