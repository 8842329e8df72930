import { z } from "zod";
import { customerIdPattern, statuses, tagPattern, teamTypes } from "../customers/customer.js";
import type { CustomerQuery } from "../customers/customer-query.js";

/**
 * Button values are untrusted input (anyone can forge a payload): each has a zod schema, and a button
 * only ever carries references (IDs, page numbers), never data the server would trust blindly.
 */
export const maxSearchTextLength = 200;
export const maxPage = 100_000;

export const customerRefValue = z.string().regex(customerIdPattern);

export const listPageValueSchema = z
  .object({
    q: z.string().max(maxSearchTextLength).optional(),
    t: z.enum(teamTypes).optional(),
    s: z.enum(statuses).optional(),
    g: z.string().regex(tagPattern).optional(),
    p: z.number().int().min(0).max(maxPage),
  })
  .strict();

export type ListPageValue = z.infer<typeof listPageValueSchema>;

export function encodeListPage(query: CustomerQuery, page: number): string {
  const value: ListPageValue = { p: page };
  if (query.text) value.q = query.text;
  if (query.teamType) value.t = query.teamType;
  if (query.status) value.s = query.status;
  if (query.tag) value.g = query.tag;
  return JSON.stringify(value);
}

export function decodeListPage(
  raw: string | undefined,
): { query: CustomerQuery; page: number } | null {
  let json: unknown;
  try {
    json = JSON.parse(raw ?? "");
  } catch {
    return null;
  }
  const parsed = listPageValueSchema.safeParse(json);
  if (!parsed.success) return null;
  const { q, t, s, g, p } = parsed.data;
  return { query: { text: q, teamType: t, status: s, tag: g }, page: p };
}
