import { z } from "zod";
import { customerIdPattern } from "../customers/customer.js";
import { maxPage } from "./button-values.js";

/** The value of Previous/Next on a customer's billing details or history: which customer, which page. Untrusted like every button value. */
const customerPageValueSchema = z
  .object({
    c: z.string().regex(customerIdPattern),
    p: z.number().int().min(0).max(maxPage),
  })
  .strict();

export interface CustomerPageTarget {
  customerId: string;
  page: number;
}

export function encodeCustomerPage(target: CustomerPageTarget): string {
  return JSON.stringify({ c: target.customerId, p: target.page });
}

export function decodeCustomerPage(raw: string | undefined): CustomerPageTarget | null {
  let json: unknown;
  try {
    json = JSON.parse(raw ?? "");
  } catch {
    return null;
  }
  const parsed = customerPageValueSchema.safeParse(json);
  return parsed.success ? { customerId: parsed.data.c, page: parsed.data.p } : null;
}
