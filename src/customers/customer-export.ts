import type { Writable } from "node:stream";
import { type CustomerFileFormat, writeCustomers } from "./customer-file-format.js";
import type { CustomerRepository } from "./customer-repository.js";

/**
 * Writes every customer, oldest first, to `output` as CSV or JSON lines (no password hashes: the
 * repository never reads them). Resolves with how many were written once `output` is finished.
 */
export function exportCustomers(
  customers: CustomerRepository,
  format: CustomerFileFormat,
  output: Writable,
): Promise<number> {
  return writeCustomers(customers.all(), format, output);
}
