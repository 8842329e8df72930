import type { Document } from "bson";
import { failedToParse, typeMismatch, unsupported } from "../errors.js";
import { runPipeline } from "../query-engine.js";
import { isPlainObject } from "../values.js";
import { cursorBatchSize, requiredArray } from "./arguments.js";
import { matchingDocuments } from "./matching.js";
import type { CommandContext, CommandDefinition } from "./types.js";

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
    // A leading $match is run here so that lookups by _id avoid a collection scan.
    const first = pipeline[0];
    const leadingMatch =
      isPlainObject(first) && Object.keys(first).length === 1 ? first.$match : undefined;
    if (isPlainObject(leadingMatch)) {
      source = matchingDocuments(collection, leadingMatch);
      pipeline = pipeline.slice(1);
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
