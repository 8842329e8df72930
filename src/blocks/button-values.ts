import { z } from "zod";
import { customerIdPattern } from "../customers/customer.js";
import { resetIdPattern } from "../customers/password-resets.js";

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
