import type { z } from "zod";
import { AppError } from "../errors/app-error.js";

/** What `schema` makes of `input`, or an AppError with the first problem it found (said to the person). */
export function parseOrRefuse<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw new AppError("invalid_input", parsed.error.issues[0]?.message ?? "That is not valid.");
  return parsed.data;
}
