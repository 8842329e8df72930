import type { Writable } from "node:stream";
import type { OnRecords } from "../files/records-file.js";
import { type CustomerFileFormat, writeCustomers } from "./customer-file-format.js";
import type { CustomerRepository } from "./customer-repository.js";

/**
 * Writes every customer, oldest first, to `output` as CSV or JSON lines (no password hashes: the
 * repository never reads them), streaming: the cursor reads 1,000 customers a round trip and the
 * next batch waits while `output` is full. Resolves with how many were written once `output` is
 * finished.
 */
export function exportCustomers(
  customers: CustomerRepository,
  format: CustomerFileFormat,
  output: Writable,
  onRecords?: OnRecords,
): Promise<number> {
  return writeCustomers(customers.all(), format, output, onRecords);
}
