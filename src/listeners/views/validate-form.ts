import type { z } from "zod";
import type { FieldErrors } from "./submit-form.js";

/**
 * A form's submitted values checked by one zod schema (a field left empty is ""): the parsed input,
 * or the first problem of each field, shown on that field.
 */
export function validateForm<Schema extends z.ZodObject>(
  schema: Schema,
  values: Record<string, string>,
): { ok: true; value: z.output<Schema> } | { ok: false; errors: FieldErrors } {
  const input = Object.fromEntries(
    Object.keys(schema.shape).map((field) => [field, values[field] ?? ""]),
  );
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
  return { ok: false, errors };
}
