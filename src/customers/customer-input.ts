import { z } from "zod";
import { cleanUserText, typedTextSchema } from "../text/user-text.js";
import { tagPattern, tagRule, teamTypes } from "./customer.js";

export const limits = { account: 254, teamName: 80, companyName: 120 } as const;

/** A one-line field a person typed (see typedTextSchema), with messages naming it by `label`. */
function humanText(label: string, max: number, options: { optional?: boolean } = {}) {
  return typedTextSchema({
    required: `${label} is required`,
    ...options,
    invisible: `${label} has no visible characters`,
    controlCharacters: `${label} cannot contain control characters`,
    max,
    tooLong: (length) => `${label} is ${length} characters; the most is ${max}`,
  });
}

/** Built once: building a zod schema costs more than the check itself (an import checks a million). */
const emailSchema = z.email();

/** The login: an email address, stored lower-case. */
export const accountSchema = humanText("Account", limits.account)
  .transform((text) => text.toLowerCase())
  .refine((text) => emailSchema.safeParse(text).success, {
    error: "Account must be an email address, e.g. ana@example.com",
  });

export const teamNameSchema = humanText("Team name", limits.teamName);

export const tagInputSchema = z
  .string()
  // Text with control characters is kept as typed, for the tag rule to refuse.
  .transform((text) => cleanUserText(text, { oneLine: true }) ?? text)
  .refine((text) => text === "" || tagPattern.test(text), { error: `Not a valid tag: ${tagRule}` })
  .transform((text) => (text === "" ? null : text));

/** What create, edit and import accept. Company name is required for enterprise teams, refused for others. */
export const customerInputSchema = z
  .object({
    account: accountSchema,
    teamName: teamNameSchema,
    teamType: z
      .string({ error: "Team type must be default, individual or enterprise" })
      .transform((text) => text.trim().toLowerCase())
      .pipe(z.enum(teamTypes, { error: "Team type must be default, individual or enterprise" })),
    companyName: humanText("Company name", limits.companyName, { optional: true })
      .optional()
      .transform((text) => (text ? text : null)),
    tag: tagInputSchema.optional().transform((tag) => tag ?? null),
  })
  .superRefine((input, ctx) => {
    if (input.teamType === "enterprise" && !input.companyName) {
      ctx.addIssue({
        code: "custom",
        path: ["companyName"],
        message: "Company name is required for an enterprise team",
      });
    }
    if (input.teamType !== "enterprise" && input.companyName) {
      ctx.addIssue({
        code: "custom",
        path: ["companyName"],
        message: "Only enterprise teams have a company name; leave it empty",
      });
    }
  });

export type CustomerInput = z.output<typeof customerInputSchema>;
export type CustomerInputField = keyof CustomerInput;

export type Validation<T> =
  | { ok: true; value: T }
  | { ok: false; errors: Partial<Record<CustomerInputField, string>> };

/** Validates raw input into a CustomerInput, or explains each bad field (first problem per field). */
export function validateCustomerInput(raw: Record<string, unknown>): Validation<CustomerInput> {
  const result = customerInputSchema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const errors: Partial<Record<CustomerInputField, string>> = {};
  for (const issue of result.error.issues) {
    const field = issue.path[0] as CustomerInputField | undefined;
    if (field && !errors[field]) errors[field] = issue.message;
  }
  return { ok: false, errors };
}
