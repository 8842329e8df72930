import { z } from "zod";
import { customerIdPattern } from "../customers/customer.js";
import type { CustomerQuery } from "../customers/customer-query.js";
import { resetIdPattern } from "../customers/password-resets.js";
import { listFilterSchemas, searchTextSchema } from "../input/list-query.js";

/**
 * Button values are untrusted input (anyone can forge a payload): each has a zod schema, and a button
 * only ever carries references (IDs, page numbers), never data the server would trust blindly.
 */
export const maxPage = 100_000;

export const customerRefValue = z.string().regex(customerIdPattern);

/** Approve/Reject: the approval request's ID (a MongoDB ObjectId in hex). */
export const approvalIdValue = z.string().regex(/^[0-9a-f]{24}$/);

/** Confirm / Generate another / Cancel on a password offer: the reset's opaque ID. */
export const resetIdValue = z.string().regex(resetIdPattern);

export const listPageValueSchema = z
  .object({
    q: searchTextSchema.optional(),
    t: listFilterSchemas.type.optional(),
    s: listFilterSchemas.status.optional(),
    g: listFilterSchemas.tag.optional(),
    p: z.number().int().min(0).max(maxPage),
  })
  .strict();

export type ListPageValue = z.infer<typeof listPageValueSchema>;

/** A JSON value checked by `schema`; null when it is not JSON or not what the schema allows. */
export function decodeJsonValue<T>(schema: z.ZodType<T>, raw: string | undefined): T | null {
  let json: unknown;
  try {
    json = JSON.parse(raw ?? "");
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

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
  const value = decodeJsonValue(listPageValueSchema, raw);
  if (!value) return null;
  const { q, t, s, g, p } = value;
  return { query: { text: q, teamType: t, status: s, tag: g }, page: p };
}
