import { z } from "zod";
import { customerIdPattern } from "../customers/customer.js";
import { maxPage } from "./button-values.js";

/** Previous/Next on billing details: `billing_page:previous` and `billing_page:next`. */
export const billingPageActionId = "billing_page";

/** The page button's value: which customer, which page. Untrusted like every button value. */
const billingPageValueSchema = z
  .object({
    c: z.string().regex(customerIdPattern),
    p: z.number().int().min(0).max(maxPage),
  })
  .strict();

export interface BillingPageTarget {
  customerId: string;
  page: number;
}

export function encodeBillingPage(target: BillingPageTarget): string {
  return JSON.stringify({ c: target.customerId, p: target.page });
}

export function decodeBillingPage(raw: string | undefined): BillingPageTarget | null {
  let json: unknown;
  try {
    json = JSON.parse(raw ?? "");
  } catch {
    return null;
  }
  const parsed = billingPageValueSchema.safeParse(json);
  return parsed.success ? { customerId: parsed.data.c, page: parsed.data.p } : null;
}
