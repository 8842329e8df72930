import type { IndexSpec } from "../../../src/db/indexes.js";
import type { Condition, QueryShape, SortSpec } from "./query-shape.js";

/**
 * Whether a declared index serves a query without scanning or sorting in memory at scale, by the
 * rules MongoDB's planner follows (ESR): the equality fields form a prefix of the index (in any
 * order), then the sort fields follow in index order (or all reversed), then the range fields.
 * `$in` counts as an equality for the prefix; with a sort MongoDB merges the sorted runs of at most
 * 200 `$in` values, beyond that it sorts in memory.
 */
export type Verdict = { ok: true; index: string } | { ok: false; problem: string };

/** MongoDB explodes an `$in` into sorted runs it merges up to this many (internalQueryMaxScansToExplode). */
export const maxMergedInValues = 200;

const idIndex: IndexSpec = { key: { _id: 1 }, name: "_id_", unique: true };

type Fields = Readonly<Record<string, Condition>>;

const isEquality = (condition: Condition | undefined) =>
  condition?.kind === "eq" || condition?.kind === "in";

function describe(fields: Fields): string {
  return Object.keys(fields).join(", ") || "no fields";
}

/** A unique index all of whose fields are equalities: at most one document (per `$in` value). */
function pointLookup(fields: Fields, specs: readonly IndexSpec[]): string | undefined {
  if (isEquality(fields._id)) return idIndex.name;
  return specs.find(
    (spec) =>
      spec.unique === true &&
      Object.keys(spec.partialFilterExpression ?? {}).every(
        (field) => fields[field]?.kind === "eq",
      ) &&
      Object.keys(spec.key).every((field) => isEquality(fields[field])),
  )?.name;
}

interface Attempt {
  /** How far the index got: 1 equality prefix, 2 sort, 3 range. */
  reached: number;
  problem?: string;
}

/**
 * Whether the query states a partial index's condition on `field`: an equality for an equality
 * condition; a range for a range condition (e.g. `{seq: {$gt: 0}}`, restated by the query).
 */
function statesPartialCondition(
  spec: IndexSpec,
  field: string,
  condition: Condition | undefined,
): boolean {
  const expected = spec.partialFilterExpression?.[field];
  const isRange =
    typeof expected === "object" &&
    expected !== null &&
    Object.keys(expected).every((operator) => ["$gt", "$gte"].includes(operator));
  return condition?.kind === "eq" || (isRange && condition?.kind === "range");
}

/** Checks one index against fields and sort, as MongoDB would use it. */
function tryIndex(spec: IndexSpec, fields: Fields, sort: SortSpec, limited: boolean): Attempt {
  const keys = Object.entries(spec.key);
  const partial = Object.keys(spec.partialFilterExpression ?? {});
  if (partial.some((field) => !statesPartialCondition(spec, field, fields[field])))
    return { reached: 0, problem: `${spec.name} is partial on ${partial.join(", ")}` };
  // Equalities that restate the partial index's condition are answered by the index itself.
  const equalities = Object.keys(fields).filter(
    (field) => isEquality(fields[field]) && !(partial.includes(field) && !(field in spec.key)),
  );
  let position = 0;
  while (position < keys.length && equalities.includes(keys[position]?.[0] as string))
    position += 1;
  const prefix = keys.slice(0, position).map(([field]) => field);
  const missing = equalities.filter((field) => !prefix.includes(field));
  if (missing.length > 0)
    return {
      reached: position > 0 ? 1 : 0,
      problem: `equality on ${missing.join(", ")} is not in ${spec.name}'s prefix after ${prefix.join(", ") || "nothing"}`,
    };
  const sortFields = sort.filter(([field]) => fields[field]?.kind !== "eq");
  if (sortFields.length > 0) {
    const manyIn = prefix.find((field) => {
      const condition = fields[field];
      return condition?.kind === "in" && condition.values > maxMergedInValues;
    });
    if (manyIn)
      return {
        reached: 1,
        problem: `$in of more than ${maxMergedInValues} values on ${manyIn} with a sort: sorted in memory`,
      };
    const first = keys[position];
    const flip =
      first && first[0] === sortFields[0]?.[0] && first[1] !== sortFields[0]?.[1] ? -1 : 1;
    for (const [field, direction] of sortFields) {
      const key = keys[position];
      if (!key || key[0] !== field || key[1] * flip !== direction)
        return {
          reached: 1,
          problem: `sort {${sort.map(([f, d]) => `${f}: ${d}`).join(", ")}} does not follow ${spec.name} after ${prefix.join(", ") || "its start"}: sorted in memory`,
        };
      position += 1;
    }
  }
  const covered = keys.map(([field]) => field);
  const rest = Object.keys(fields).filter(
    (field) => !isEquality(fields[field]) && fields[field]?.kind !== "residual",
  );
  const outside = rest.filter((field) => !covered.slice(prefix.length).includes(field));
  if (outside.length > 0)
    return {
      reached: 2,
      problem: `${outside.map((field) => `${field} (${fields[field]?.kind})`).join(", ")} not in ${spec.name}: every document the index walk reaches is fetched to filter`,
    };
  const firstFree = Object.keys(spec.key)[prefix.length];
  const bounded =
    prefix.length > 0 ||
    (sortFields.length > 0 && limited) ||
    (firstFree !== undefined &&
      fields[firstFree] !== undefined &&
      fields[firstFree]?.kind !== "residual");
  if (!bounded)
    return {
      reached: 2,
      problem: `nothing bounds the walk of ${spec.name}: it reads the whole index`,
    };
  return { reached: 3 };
}

/** The verdict for fields and a sort (one `$or` branch, or the whole filter when there is none). */
function checkFields(
  fields: Fields,
  sort: SortSpec,
  specs: readonly IndexSpec[],
  limited: boolean,
): Verdict {
  const scan = Object.entries(fields).find(([, condition]) => condition.kind === "scan");
  if (scan) return { ok: false, problem: `${(scan[1] as { why: string }).why} on ${scan[0]}` };
  if (Object.keys(fields).length === 0 && sort.length === 0)
    return limited
      ? { ok: true, index: "none: reads at most `limit` documents" }
      : { ok: false, problem: "no filter: reads the whole collection" };
  let best: Attempt & { name: string } = { reached: -1, name: "" };
  for (const spec of [idIndex, ...specs]) {
    const attempt = tryIndex(spec, fields, sort, limited);
    if (!attempt.problem) return { ok: true, index: spec.name };
    if (attempt.reached > best.reached) best = { ...attempt, name: spec.name };
  }
  return {
    ok: false,
    problem:
      best.reached <= 0
        ? `no declared index starts with ${describe(fields)}${sort.length > 0 ? " or the sort" : ""}`
        : (best.problem as string),
  };
}

/** Whether the declared indexes of the shape's collection serve it; why not otherwise. */
export function checkShape(shape: QueryShape, specs: readonly IndexSpec[]): Verdict {
  if (shape.metadataOnly) return { ok: true, index: "none: collection metadata" };
  const point = pointLookup(shape.filter.fields, specs);
  const unbounded = shape.unboundedPipeline;
  if (unbounded)
    return { ok: false, problem: `the pipeline starts with ${unbounded}: it reads every document` };
  if (shape.skip)
    return { ok: false, problem: "skip: every skipped document is read and thrown away" };
  if (point) return { ok: true, index: point };
  if (shape.counts && !shape.limit)
    return { ok: false, problem: "counts every match without a limit: walks all matching keys" };
  const limited = shape.limit;
  if (shape.filter.ors.length === 0)
    return checkFields(shape.filter.fields, shape.sort, specs, limited);
  const used: string[] = [];
  for (const branches of shape.filter.ors)
    for (const [number, branch] of branches.entries()) {
      const merged = { ...shape.filter.fields, ...branch.fields };
      const verdict =
        pointLookup(merged, specs) !== undefined && branch.ors.length === 0
          ? { ok: true as const, index: pointLookup(merged, specs) as string }
          : checkFields(merged, shape.sort, specs, limited);
      if (!verdict.ok)
        return { ok: false, problem: `$or branch ${number + 1}: ${verdict.problem}` };
      used.push(verdict.index);
    }
  return { ok: true, index: [...new Set(used)].join(" + ") };
}
