import { z } from "zod";
import { customerRefValue, decodeJsonValue, maxPage } from "./button-values.js";

/** The value of Previous/Next on a customer's billing details or history: which customer, which page. Untrusted like every button value. */
const customerPageValueSchema = z
  .object({
    c: customerRefValue,
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
  const value = decodeJsonValue(customerPageValueSchema, raw);
  return value ? { customerId: value.c, page: value.p } : null;
}
