/**
 * What a command asks of its collection, reduced to what decides whether an index can serve it:
 * which fields it compares how, how it sorts, whether it skips. Values are dropped (except the size
 * of an `$in`, which decides whether MongoDB can merge sorted runs).
 */

/** How a filter compares one field. */
export type Condition =
  | { kind: "eq" }
  | { kind: "in"; values: number }
  | { kind: "range" }
  /** `^prefix` regex without the `i` flag: an index range. */
  | { kind: "prefix" }
  /**
   * Conditions an index cannot bound — `$ne`, `$nin`, `$exists`, `$type`, `$not`, `$elemMatch`,
   * `$expr`, … — filtered on the documents an index walk fetches. The rules assume nearly every
   * document passes them (they validate); a condition most documents fail must be an equality or
   * a range the index holds.
   */
  | { kind: "residual"; operator: string }
  /** Conditions that read every document: unanchored or case-insensitive regex, `$where`, `$expr`. */
  | { kind: "scan"; why: string };

export interface FilterShape {
  readonly fields: Readonly<Record<string, Condition>>;
  /** Each `$or` of the filter, its branches as shapes of their own. */
  readonly ors: readonly (readonly FilterShape[])[];
}

export type SortSpec = readonly (readonly [field: string, direction: 1 | -1])[];

export type QueryKind =
  | "find"
  | "aggregate"
  | "count"
  | "distinct"
  | "update"
  | "delete"
  | "findAndModify";

export interface QueryShape {
  readonly collection: string;
  readonly kind: QueryKind;
  readonly filter: FilterShape;
  readonly sort: SortSpec;
  readonly skip: boolean;
  readonly limit: boolean;
  /** Counts all matches (countDocuments, count with a query): no limit ends the walk early. */
  readonly counts: boolean;
  /** An aggregate whose pipeline does not start with `$match` or `$sort`: it reads everything. */
  readonly unboundedPipeline?: string;
  /** `count` without a query (estimatedDocumentCount): answered from metadata. */
  readonly metadataOnly?: boolean;
}

export const checkedCommands: ReadonlySet<string> = new Set([
  "find",
  "aggregate",
  "count",
  "distinct",
  "update",
  "delete",
  "findAndModify",
]);

type Doc = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Doc =>
  typeof value === "object" &&
  value !== null &&
  !Array.isArray(value) &&
  !(value instanceof Date) &&
  (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);

const rangeOperators = new Set(["$gt", "$gte", "$lt", "$lte"]);

function regexCondition(source: string, flags: string): Condition {
  if (flags.includes("i")) return { kind: "scan", why: "case-insensitive regex" };
  if (!source.startsWith("^") || source.startsWith("^.*"))
    return { kind: "scan", why: "unanchored regex" };
  return { kind: "prefix" };
}

/** A RegExp, or a BSONRegExp (`pattern`, `options`) as the driver may hold it. */
function asRegex(value: unknown): { source: string; flags: string } | undefined {
  if (value instanceof RegExp) return { source: value.source, flags: value.flags };
  if (
    typeof value === "object" &&
    value !== null &&
    (value as { _bsontype?: string })._bsontype === "BSONRegExp"
  ) {
    const regex = value as { pattern: string; options: string };
    return { source: regex.pattern, flags: regex.options };
  }
  return undefined;
}

function fieldCondition(value: unknown): Condition {
  const regex = asRegex(value);
  if (regex) return regexCondition(regex.source, regex.flags);
  if (!isPlainObject(value)) return { kind: "eq" };
  const operators = Object.keys(value);
  if (operators.length === 0 || !operators.every((key) => key.startsWith("$")))
    return { kind: "eq" };
  if ("$regex" in value) {
    const inner = asRegex(value.$regex);
    const source = inner?.source ?? String(value.$regex);
    const flags = `${inner?.flags ?? ""}${typeof value.$options === "string" ? value.$options : ""}`;
    return regexCondition(source, flags);
  }
  if ("$eq" in value) return { kind: "eq" };
  if ("$in" in value) {
    const values = Array.isArray(value.$in) ? value.$in : [];
    if (values.some((item) => asRegex(item))) return { kind: "scan", why: "regex inside $in" };
    return { kind: "in", values: values.length };
  }
  // `$type`/`$exists` mark a validation ("a number ≥ 0"), which nearly every document passes.
  if (operators.includes("$type") || operators.includes("$exists"))
    return { kind: "residual", operator: operators.join(",") };
  if (operators.some((operator) => rangeOperators.has(operator))) return { kind: "range" };
  return { kind: "residual", operator: operators.join(",") };
}

/** The shape of a query filter (`$and` flattened, each `$or` kept with its branches). */
export function filterShape(filter: unknown): FilterShape {
  const fields: Record<string, Condition> = {};
  const ors: FilterShape[][] = [];
  const visit = (document: Doc) => {
    for (const [key, value] of Object.entries(document)) {
      if (key === "$and" && Array.isArray(value)) {
        for (const clause of value) if (isPlainObject(clause)) visit(clause);
      } else if (key === "$or" && Array.isArray(value)) {
        ors.push(value.map((branch) => filterShape(branch)));
      } else if (key === "$comment") {
      } else if (key === "$expr" || key === "$nor") {
        fields[key] = { kind: "residual", operator: key };
      } else if (key.startsWith("$")) {
        fields[key] = { kind: "scan", why: `${key} reads every document` };
      } else {
        const condition = fieldCondition(value);
        const earlier = fields[key];
        // `{at: {$gte}}` and `{at: {$lt}}` in two `$and` clauses are one range; an equality wins.
        if (!earlier || earlier.kind === "residual" || condition.kind === "eq")
          fields[key] = condition;
      }
    }
  };
  if (isPlainObject(filter)) visit(filter);
  return { fields, ors };
}

function sortSpec(sort: unknown): SortSpec {
  // The driver sends a sort as a Map (it keeps the key order).
  const entries =
    sort instanceof Map ? [...sort.entries()] : isPlainObject(sort) ? Object.entries(sort) : [];
  return entries.map(([field, direction]) => [
    field,
    direction === -1 || direction === "desc" || direction === "descending" ? -1 : 1,
  ]);
}

const positive = (value: unknown) => typeof value === "number" && value > 0;
const positiveLong = (value: unknown) =>
  positive(value) ||
  (typeof value === "object" && value !== null && Number(value as unknown as number) > 0);

function aggregateShape(collection: string, pipeline: unknown): QueryShape {
  const stages = Array.isArray(pipeline) ? (pipeline as Doc[]) : [];
  let index = 0;
  let filter: unknown = {};
  let sort: unknown = {};
  let skip = false;
  let limit = false;
  let counts = false;
  const first = stages[0] ? Object.keys(stages[0])[0] : undefined;
  if (stages[index]?.$match) filter = stages[index++]?.$match;
  if (stages[index]?.$sort) sort = stages[index++]?.$sort;
  for (; index < stages.length; index += 1) {
    const stage = stages[index] as Doc;
    if ("$skip" in stage) skip ||= positiveLong(stage.$skip);
    else if ("$limit" in stage) {
      limit = true;
      break;
    } else {
      // countDocuments: `$group` of everything that matched.
      counts = "$group" in stage || "$count" in stage;
      break;
    }
  }
  return {
    collection,
    kind: "aggregate",
    filter: filterShape(filter),
    sort: sortSpec(sort),
    skip,
    limit,
    counts,
    ...(first === "$match" || first === "$sort" || first === undefined
      ? {}
      : { unboundedPipeline: first }),
  };
}

/** The queries one command sends (an update or delete carries several statements). */
export function queryShapes(commandName: string, command: Doc): QueryShape[] {
  const collection = String(command[commandName]);
  const base = { collection, skip: false, limit: false, counts: false };
  switch (commandName) {
    case "find":
      return [
        {
          ...base,
          kind: "find",
          filter: filterShape(command.filter),
          sort: sortSpec(command.sort),
          skip: positiveLong(command.skip),
          limit: positiveLong(command.limit) || command.singleBatch === true,
        },
      ];
    case "aggregate":
      return [aggregateShape(collection, command.pipeline)];
    case "count":
      return [
        {
          ...base,
          kind: "count",
          filter: filterShape(command.query),
          sort: [],
          skip: positiveLong(command.skip),
          limit: positiveLong(command.limit),
          counts: !positiveLong(command.limit),
          ...(command.query === undefined || Object.keys(command.query as Doc).length === 0
            ? { metadataOnly: true }
            : {}),
        },
      ];
    case "distinct":
      return [{ ...base, kind: "distinct", filter: filterShape(command.query), sort: [] }];
    case "update":
      return ((command.updates as Doc[] | undefined) ?? []).map((statement) => ({
        ...base,
        kind: "update",
        filter: filterShape(statement.q),
        sort: sortSpec(statement.sort),
        limit: statement.multi !== true,
      }));
    case "delete":
      return ((command.deletes as Doc[] | undefined) ?? []).map((statement) => ({
        ...base,
        kind: "delete",
        filter: filterShape(statement.q),
        sort: [],
        limit: statement.limit === 1,
      }));
    case "findAndModify":
      return [
        {
          ...base,
          kind: "findAndModify",
          filter: filterShape(command.query),
          sort: sortSpec(command.sort),
          limit: true,
        },
      ];
    default:
      return [];
  }
}

function conditionText(condition: Condition): string {
  switch (condition.kind) {
    case "eq":
      return "=";
    case "in":
      return condition.values > 200 ? "$in(>200)" : "$in";
    case "range":
      return "range";
    case "prefix":
      return "^prefix";
    case "residual":
      return condition.operator;
    case "scan":
      return condition.why;
  }
}

/** `{a: =, b: range, $or: [{c: =} | {d: =}]}` */
export function filterText(filter: FilterShape): string {
  const parts = Object.keys(filter.fields)
    .sort()
    .map((field) => `${field}: ${conditionText(filter.fields[field] as Condition)}`);
  for (const branches of filter.ors) parts.push(`$or: [${branches.map(filterText).join(" | ")}]`);
  return `{${parts.join(", ")}}`;
}

/** One line that names the shape, the same for every command of that shape: the key for caching and reports. */
export function shapeText(shape: QueryShape): string {
  const words = [shape.kind, filterText(shape.filter)];
  if (shape.sort.length > 0)
    words.push(
      `sort {${shape.sort.map(([field, direction]) => `${field}: ${direction}`).join(", ")}}`,
    );
  if (shape.skip) words.push("skip");
  if (shape.limit) words.push("limit");
  if (shape.counts) words.push("counts all");
  if (shape.unboundedPipeline) words.push(`pipeline starts with ${shape.unboundedPipeline}`);
  if (shape.metadataOnly) words.push("(metadata)");
  return words.join(" ");
}
