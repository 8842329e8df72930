import { z } from "zod";
import { tagPattern, tagRule, teamTypes } from "./customer.js";

export const limits = { account: 254, teamName: 80, companyName: 120 } as const;

const zeroWidth = /[\u200B-\u200D\u2060\uFEFF]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const controlCharacters = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

/** Text a person typed: NFC, zero-width characters removed, trimmed, no control characters, bounded. */
function humanText(label: string, max: number) {
  return z
    .string({ error: `${label} is required` })
    .transform((text) => text.normalize("NFC").replace(zeroWidth, "").trim())
    .refine((text) => !controlCharacters.test(text), {
      error: `${label} cannot contain control characters`,
    })
    .refine((text) => text.length <= max, {
      error: (issue) => `${label} is ${String(issue.input).length} characters; the most is ${max}`,
    });
}

/** The login: an email address, stored lower-case. */
export const accountSchema = humanText("Account", limits.account)
  .transform((text) => text.toLowerCase())
  .refine((text) => text.length > 0, { error: "Account is required" })
  .refine((text) => z.email().safeParse(text).success, {
    error: "Account must be an email address, e.g. ana@example.com",
  });

export const teamNameSchema = humanText("Team name", limits.teamName).refine(
  (text) => text.length > 0,
  {
    error: "Team name is required",
  },
);

export const tagInputSchema = z
  .string()
  .transform((text) => text.normalize("NFC").replace(zeroWidth, "").trim())
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
    companyName: humanText("Company name", limits.companyName)
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
