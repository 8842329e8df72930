import { z } from "zod";
import { hasControlCharacters } from "./user-text.js";

export const maxReasonLength = 500;

/**
 * The reason kept with a money change or a rejection, typed in a command or a form: it goes into the
 * ledger and the audit trail and is shown in Slack.
 */
export const reasonSchema = z
  .string()
  .trim()
  .min(1, { error: "Give a reason; it is kept with the change." })
  .max(maxReasonLength, {
    error: (issue) =>
      `The reason is ${String(issue.input).length} characters; the most is ${maxReasonLength}.`,
  })
  .refine((reason) => !hasControlCharacters(reason), {
    error: "The reason contains control characters; type it as plain text.",
  });
