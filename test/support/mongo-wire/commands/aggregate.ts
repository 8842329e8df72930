import type { Document } from "bson";
import { failedToParse, typeMismatch, unsupported } from "../errors.js";
import { runPipeline } from "../query-engine.js";
import { isPlainObject } from "../values.js";
import { cursorBatchSize, requiredArray } from "./arguments.js";
import { findMatching } from "./matching.js";
import type { CommandContext, CommandDefinition } from "./types.js";

/** The operand of `stage` when it is the one stage `name`. */
function stageOf(stage: unknown, name: string): unknown {
  return isPlainObject(stage) && Object.keys(stage).length === 1 ? stage[name] : undefined;
}

/**
 * How many documents the stages after the match and sort can use at most, when they begin with
 * `$skip`/`$limit` (those stages still run; the read just stops early). 0: all of them.
 */
function leadingLimit(stages: Document[]): number {
  let skip = 0;
  for (const stage of stages) {
    const skipping = stageOf(stage, "$skip");
    const limit = stageOf(stage, "$limit");
    if (typeof skipping === "number" && skipping >= 0) skip += skipping;
    else if (typeof limit === "number" && limit > 0) return skip + Math.floor(limit);
    else return 0;
  }
  return 0;
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
      source = findMatching(collection, {
        filter: leadingMatch,
        sort: isPlainObject(sort) ? sort : undefined,
        limit: leadingLimit(rest),
        hint: command.hint,
      });
      pipeline = rest;
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
