import { z } from "zod";
import type { PageCursor } from "../db/keyset-page.js";
import { customerRefValue, decodeJsonValue, maxPage } from "./button-values.js";

/** The latest time a Date can hold (ms since 1970), so every `a` that parses is a valid date. */
const maxTime = 8.64e15;

/**
 * The value of Previous/Next on a customer's billing details or history: the customer, the entry
 * the page starts after (`a`: its time in ms, `i`: its ID), which way (`d`: older/newer) and the
 * page number for the label (`n`). Untrusted like every button value: the customer is looked up
 * again, and the entry must be one of that customer's with that very time, or the page is refused.
 */
const entryPageValueSchema = z
  .object({
    c: customerRefValue,
    a: z.number().int().min(0).max(maxTime),
    i: z.string().regex(/^[0-9a-f]{24}$/),
    d: z.enum(["o", "n"]),
    n: z.number().int().min(1).max(maxPage),
  })
  .strict();

export interface EntryPageTarget {
  customerId: string;
  cursor: PageCursor & { page: number };
}

export function encodeEntryPage({ customerId, cursor }: EntryPageTarget): string {
  return JSON.stringify({
    c: customerId,
    a: cursor.at.getTime(),
    i: cursor.id,
    d: cursor.toward === "older" ? "o" : "n",
    n: cursor.page,
  });
}

export function decodeEntryPage(raw: string | undefined): EntryPageTarget | null {
  const value = decodeJsonValue(entryPageValueSchema, raw);
  if (!value) return null;
  const toward = value.d === "o" ? "older" : "newer";
  return {
    customerId: value.c,
    cursor: { at: new Date(value.a), id: value.i, toward, page: value.n },
  };
}
