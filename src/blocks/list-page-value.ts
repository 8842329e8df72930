import { z } from "zod";
import type { CustomerQuery } from "../customers/customer-query.js";
import type { ListPageTarget } from "../customers/customer-service.js";
import { listFilterSchemas, searchTextSchema } from "../input/list-query.js";
import { decodeJsonValue, maxPage } from "./button-values.js";

/** Dates a JavaScript `Date` can hold, in milliseconds since 1970. */
const maxDateMs = 8.64e15;

/** A list position: `createdAt` in milliseconds and the `_id` (an ObjectId in hex). */
const positionValue = z.tuple([
  z.number().int().min(-maxDateMs).max(maxDateMs),
  z.string().regex(/^[0-9a-f]{24}$/),
]);

/**
 * The value of Previous/Next on a list: the query (validated like typed text and filters), the page
 * number to show (a label only) and the position the page starts after (`a`, Next) or ends before
 * (`b`, Previous). Untrusted like every button value: a forged one can only show another page of the
 * list anyone with list access may page through.
 */
const listPageValueSchema = z
  .object({
    q: searchTextSchema.optional(),
    t: listFilterSchemas.type.optional(),
    s: listFilterSchemas.status.optional(),
    g: listFilterSchemas.tag.optional(),
    p: z.number().int().min(0).max(maxPage),
    a: positionValue.optional(),
    b: positionValue.optional(),
  })
  .strict()
  .refine((value) => (value.a === undefined) !== (value.b === undefined));

type ListPageValue = z.infer<typeof listPageValueSchema>;

export function encodeListPage(
  query: CustomerQuery,
  target: Omit<ListPageTarget, "query">,
): string {
  const value: ListPageValue = { p: target.page };
  if (query.text) value.q = query.text;
  if (query.teamType) value.t = query.teamType;
  if (query.status) value.s = query.status;
  if (query.tag) value.g = query.tag;
  const { createdAt, id } = target.cursor.position;
  value[target.cursor.direction === "after" ? "a" : "b"] = [createdAt.getTime(), id];
  return JSON.stringify(value);
}

export function decodeListPage(raw: string | undefined): ListPageTarget | null {
  const value = decodeJsonValue(listPageValueSchema, raw);
  if (!value) return null;
  const { q, t, s, g, p, a, b } = value;
  const [ms, id] = (a ?? b) as [number, string];
  return {
    query: { text: q, teamType: t, status: s, tag: g },
    page: p,
    cursor: { direction: a ? "after" : "before", position: { createdAt: new Date(ms), id } },
  };
}
