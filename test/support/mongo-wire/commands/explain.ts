/**
 * `explain` of `find` and `aggregate`: the plan the read takes here (the same planning the command
 * itself does, traced as it runs: `_id`/unique-key look-ups, index walks, scans, in-memory sorts),
 * in MongoDB's classic shape (`queryPlanner.winningPlan`, `executionStats.executionStages`; an
 * aggregate's query part under `stages[0].$cursor`). The read runs; its documents are not returned.
 */
import type { Document } from "bson";
import { checkFields } from "../dispatcher.js";
import { badValue, CommandError, failedToParse, invalidNamespace, unsupported } from "../errors.js";
import type { IndexSpec } from "../indexes.js";
import { isPlainObject } from "../values.js";
import { aggregateCommands, runAggregate } from "./aggregate.js";
import { findCommands, runFind } from "./find.js";
import { newTrace, type ReadAccess, type ReadTrace } from "./matching.js";
import type { CommandContext, CommandDefinition } from "./types.js";

export type Verbosity = "queryPlanner" | "executionStats" | "allPlansExecution";

const VERBOSITIES: readonly string[] = ["queryPlanner", "executionStats", "allPlansExecution"];

/** MongoDB's default memory limit of a blocking SORT stage (100 MiB). */
const SORT_MEMORY_LIMIT = 104857600;

interface Stage {
  stage: string;
  inputStage?: Stage;
  inputStages?: Stage[];
  [detail: string]: unknown;
}

/** What a stage passed on, and for the stages that read documents, how many they read. */
interface Counted {
  nReturned: number;
  docsExamined?: number;
}

/** A plan stage with its execution counts beside it (dropped for `queryPlanner`). */
interface PlanNode {
  details: Stage;
  counts: Counted;
  inputs: PlanNode[];
}

const node = (details: Stage, counts: Counted, ...inputs: PlanNode[]): PlanNode => ({
  details,
  counts,
  inputs,
});

function render(plan: PlanNode, withCounts: boolean): Stage {
  const stage: Stage = { ...plan.details, ...(withCounts ? plan.counts : {}) };
  const inputs = plan.inputs.map((input) => render(input, withCounts));
  if (inputs.length === 1) stage.inputStage = inputs[0];
  else if (inputs.length > 1) stage.inputStages = inputs;
  return stage;
}

function verbosityOf(command: Document): Verbosity {
  const verbosity = command.verbosity;
  if (verbosity === undefined) return "allPlansExecution";
  if (typeof verbosity !== "string") throw failedToParse("explain verbosity must be a string");
  if (!VERBOSITIES.includes(verbosity)) {
    throw failedToParse(
      "verbosity string must be one of {'queryPlanner', 'executionStats', 'allPlansExecution'}",
    );
  }
  return verbosity as Verbosity;
}

function indexScan(spec: IndexSpec, backward: boolean, isMultiKey: boolean): Stage {
  return {
    stage: "IXSCAN",
    keyPattern: spec.key,
    indexName: spec.name,
    isMultiKey,
    isUnique: spec.unique === true || spec.name === "_id_",
    isSparse: spec.sparse === true,
    isPartial: spec.partialFilterExpression !== undefined,
    indexVersion: spec.v ?? 2,
    direction: backward ? "backward" : "forward",
  };
}

/** The unique index `collection.lookup` answers `field` from: the first unique, one-field one. */
function uniqueIndexOn(specs: IndexSpec[], field: string): IndexSpec | undefined {
  return specs.find(
    (spec) =>
      spec.unique === true &&
      spec.name !== "_id_" &&
      spec.partialFilterExpression === undefined &&
      Object.keys(spec.key).length === 1 &&
      Object.keys(spec.key)[0] === field,
  );
}

const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: "_id_" };

/** The index-key stage of a look-up (an `$or` of look-ups: one per branch, under `OR`). */
function lookupStage(access: ReadAccess, specs: IndexSpec[], keys: number): PlanNode {
  const counts = { nReturned: keys };
  if (access.kind === "or") {
    const branches = access.branches.map((branch) => lookupStage(branch, specs, 0));
    return node({ stage: "OR" }, counts, ...branches);
  }
  const spec = access.kind === "unique" ? uniqueIndexOn(specs, access.field) : ID_INDEX;
  return node(indexScan(spec ?? ID_INDEX, false, false), counts);
}

/** A collection that does not exist: nothing to read (MongoDB's EOF plan). */
const MISSING_COLLECTION = node({ stage: "EOF" }, { nReturned: 0 });

interface ReadShape {
  filter: Document;
  specs: IndexSpec[];
  /** The collection scan runs backwards (`$natural: -1`). */
  backwards?: boolean;
}

/** How the documents were found: a scan, an `_id` fast path, or a FETCH over index keys. */
function accessPlan(trace: ReadTrace, read: ReadShape, examined: number): PlanNode {
  const { access } = trace;
  const filter = Object.keys(read.filter).length > 0 ? { filter: read.filter } : {};
  const fetched = { nReturned: trace.matched, docsExamined: examined };
  if (access.kind === "scan") {
    const direction = read.backwards ? "backward" : "forward";
    return node({ stage: "COLLSCAN", ...filter, direction }, fetched);
  }
  const onlyId = Object.keys(read.filter).length === 1 && access.kind === "id";
  if (onlyId && access.values === 1 && !isPlainObject(read.filter._id)) {
    return node({ stage: "IDHACK" }, fetched);
  }
  const keys =
    access.kind === "walk"
      ? node(indexScan(access.plan.index.spec, access.plan.reverse, access.plan.index.isMultikey), {
          nReturned: examined,
        })
      : lookupStage(access, read.specs, examined);
  // Every document read is tested against the whole filter (the index bounds only narrow the read).
  return node({ stage: "FETCH", ...filter }, fetched, keys);
}

interface Bounds {
  sort?: Document | undefined;
  skip: number;
  limit: number;
}

/** SORT (when no index gave the order), SKIP and LIMIT over `input`, as MongoDB stacks them. */
function bounded(input: PlanNode, trace: ReadTrace, { sort, skip, limit }: Bounds): PlanNode {
  let plan = input;
  let passed = trace.matched;
  if (trace.sortedInMemory && sort) {
    const top = limit > 0 ? { limitAmount: skip + limit } : {};
    passed = limit > 0 ? Math.min(passed, skip + limit) : passed;
    const sortStage = { stage: "SORT", sortPattern: sort, memLimit: SORT_MEMORY_LIMIT, ...top };
    plan = node({ ...sortStage, type: "simple" }, { nReturned: passed }, plan);
  }
  if (skip > 0) {
    passed = Math.max(0, passed - skip);
    plan = node({ stage: "SKIP", skipAmount: skip }, { nReturned: passed }, plan);
  }
  if (limit > 0 && !trace.sortedInMemory) {
    passed = Math.min(passed, limit);
    plan = node({ stage: "LIMIT", limitAmount: limit }, { nReturned: passed }, plan);
  }
  return plan;
}

const isSimpleProjection = (projection: Document) =>
  Object.entries(projection).every(
    ([field, value]) => !field.includes(".") && !field.includes("$") && typeof value !== "object",
  );

interface Measured {
  plan: PlanNode;
  returned: number;
  examined: number;
  ms: number;
}

function queryPlanner(namespace: string, plan: PlanNode, extra: Document = {}): Document {
  return { namespace, ...extra, winningPlan: render(plan, false), rejectedPlans: [] };
}

/** The `executionStats` part for `verbosity` (none for "queryPlanner"). */
function executionStats(run: Measured, verbosity: Verbosity): Document {
  if (verbosity === "queryPlanner") return {};
  const stats: Document = {
    executionSuccess: true,
    nReturned: run.returned,
    executionTimeMillis: run.ms,
    totalDocsExamined: run.examined,
    executionStages: render(run.plan, true),
  };
  // One candidate plan only: there is no trial run between plans to report.
  if (verbosity === "allPlansExecution") stats.allPlansExecution = [];
  return { executionStats: stats };
}

/** Runs `read` while counting the documents it examines and the time it takes. */
function measure<T>(
  context: CommandContext,
  read: () => T,
): { result: T; examined: number; ms: number } {
  const before = context.examined.documents;
  const started = performance.now();
  const result = read();
  return {
    result,
    examined: context.examined.documents - before,
    ms: Math.round(performance.now() - started),
  };
}

function answer(command: Document, context: CommandContext, body: Document): Document {
  return { explainVersion: "1", ...body, command: { ...command, $db: context.dbName }, ok: 1 };
}

function explainFind(command: Document, context: CommandContext, verbosity: Verbosity): Document {
  const trace = newTrace();
  const { result: run, examined, ms } = measure(context, () => runFind(command, context, trace));
  const collection = context.view.collection(context.dbName, command.find);
  const specs = collection?.indexSpecs() ?? [];
  let plan = collection
    ? bounded(accessPlan(trace, { ...run, specs }, examined), trace, run)
    : MISSING_COLLECTION;
  if (run.projection && Object.keys(run.projection).length > 0) {
    const stage = isSimpleProjection(run.projection) ? "PROJECTION_SIMPLE" : "PROJECTION_DEFAULT";
    plan = node({ stage, transformBy: run.projection }, { nReturned: run.docs.length }, plan);
  }
  const measured = { plan, returned: run.docs.length, examined, ms };
  return answer(command, context, {
    queryPlanner: queryPlanner(run.ns, plan),
    ...executionStats(measured, verbosity),
  });
}

/** The leading `$skip`/`$limit` stages of what streamed past the walk (they bound the read). */
function leadingBounds(streamed: Document[]): { bounds: Document[]; after: Document[] } {
  const end = streamed.findIndex((stage) => !("$skip" in stage) && !("$limit" in stage));
  const cut = end < 0 ? streamed.length : end;
  return { bounds: streamed.slice(0, cut), after: streamed.slice(cut) };
}

/**
 * The aggregate's query part — the leading `$match` (and `$sort`) read through an index or a scan,
 * then the `$skip`/`$limit` stages that bound it — under `$cursor`, then the other stages as given.
 * A pipeline that is all query part answers in the find shape with `optimizedPipeline: true`, as
 * MongoDB does.
 */
export function explainAggregate(
  command: Document,
  context: CommandContext,
  verbosity: Verbosity,
): Document {
  if (typeof command.aggregate !== "string") throw unsupported("explain of aggregate: 1");
  const trace = newTrace();
  const measured = measure(context, () => runAggregate(command, context, trace));
  const run = measured.result;
  const collection = context.view.collection(context.dbName, command.aggregate);
  const specs = collection?.indexSpecs() ?? [];
  const { bounds, after } = leadingBounds(run.streamed);
  let plan = MISSING_COLLECTION;
  if (collection) {
    plan = accessPlan(trace, { filter: run.match ?? {}, specs }, measured.examined);
    plan = bounded(plan, trace, { sort: run.sort, skip: 0, limit: 0 });
  }
  let passed = plan.counts.nReturned;
  for (const stage of bounds) {
    const skip = stage.$skip as number | undefined;
    const amount = Math.floor((skip ?? stage.$limit) as number);
    passed = skip === undefined ? Math.min(passed, amount) : Math.max(0, passed - amount);
    const details =
      skip === undefined
        ? { stage: "LIMIT", limitAmount: amount }
        : { stage: "SKIP", skipAmount: amount };
    plan = node(details, { nReturned: passed }, plan);
  }
  const rest = [...after, ...run.rest];
  const returned = rest.length === 0 ? run.results.length : passed;
  const stats = { plan, returned, examined: measured.examined, ms: measured.ms };
  const query = {
    queryPlanner: queryPlanner(run.ns, plan, rest.length === 0 ? { optimizedPipeline: true } : {}),
    ...executionStats(stats, verbosity),
  };
  const body = rest.length === 0 ? query : { stages: [{ $cursor: query }, ...rest] };
  return answer(command, context, body);
}

type Explainer = (command: Document, context: CommandContext, verbosity: Verbosity) => Document;

/** The commands explained here, with the definitions whose fields they accept. */
function explainerFor(
  name: string,
): { definition?: CommandDefinition; explain: Explainer } | undefined {
  if (name === "find") return { definition: findCommands.find, explain: explainFind };
  if (name === "aggregate")
    return { definition: aggregateCommands.aggregate, explain: explainAggregate };
  return undefined;
}

function explain(command: Document, context: CommandContext): Document {
  const verbosity = verbosityOf(command);
  const inner = command.explain;
  if (!isPlainObject(inner)) throw badValue("explain command requires a nested object");
  if (inner.$db !== undefined && inner.$db !== context.dbName) {
    throw invalidNamespace(
      `Mismatched $db in explain command. Expected ${context.dbName} but got ${String(inner.$db)}`,
    );
  }
  const name = Object.keys(inner)[0];
  if (name === undefined) {
    throw new CommandError(59, "CommandNotFound", "Explain failed due to unknown command: ");
  }
  const explainer = explainerFor(name);
  if (!explainer?.definition) throw unsupported(`explain of '${name}'`);
  checkFields(name, explainer.definition, inner);
  return explainer.explain(inner, context, verbosity);
}

export const explainCommands: Record<string, CommandDefinition> = {
  explain: { options: ["verbosity"], run: explain },
};
