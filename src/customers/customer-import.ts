import type { AuditEvent } from "../audit/audit-event.js";
import type { AuditRepository } from "../audit/audit-repository.js";
import type { Customer } from "./customer.js";
import type { CustomerRow } from "./customer-file-format.js";
import { newCustomerId } from "./customer-id.js";
import {
  type CustomerInput,
  type CustomerInputField,
  validateCustomerInput,
} from "./customer-input.js";
import type { CustomerRepository } from "./customer-repository.js";

/** One rejected row: its line in the file, its account when one could be read, and every reason. */
export interface ImportError {
  line: number;
  account?: string;
  reasons: string[];
}

export interface ImportProgress {
  read: number;
  created: number;
  invalid: number;
  duplicates: number;
}

/** What an import did. `read` = `created` + `invalid` + `duplicates`; `errors` are in line order. */
export interface ImportReport extends ImportProgress {
  errors: ImportError[];
}

export interface ImportOptions {
  customers: CustomerRepository;
  audit: AuditRepository;
  /** Who imports, for the audit trail, e.g. `cli:ana`. */
  actorId: string;
  /** The file's name, for the audit trail (`imported from customers.csv line 7`). */
  source: string;
  now?: () => Date;
  /** Called after every batch (every `batchSize` rows read, and at the end). */
  onProgress?: (progress: ImportProgress) => void;
  /** Rows read per batch; each batch is one lookup and one insert. Default 500. */
  batchSize?: number;
  /** New internal IDs (tests force collisions with it). */
  newId?: () => string;
}

/** Field order of the reasons given for an invalid row. */
const fieldOrder: CustomerInputField[] = ["account", "teamName", "teamType", "companyName", "tag"];
/** How often one row gets a fresh internal ID when the one drawn is taken (31^8 IDs: practically never twice). */
const idAttempts = 5;

interface Pending {
  line: number;
  input: CustomerInput;
}

/**
 * Imports customer rows as new customers: every row is validated with the create form's schema, rows
 * whose account exists (in the database, or earlier in the rows) are rejected as duplicates, and the
 * rest are inserted in batches, each with an audit event. Running the same rows twice creates nothing
 * the second time. Rejected rows never stop the import; only an unexpected database failure does.
 */
export async function importCustomers(
  rows: AsyncIterable<CustomerRow> | Iterable<CustomerRow>,
  options: ImportOptions,
): Promise<ImportReport> {
  const batchSize = options.batchSize ?? 500;
  const report: ImportReport = { read: 0, created: 0, invalid: 0, duplicates: 0, errors: [] };
  /** Every valid account seen so far → the line it was first on. */
  const firstLine = new Map<string, number>();
  let pending: Pending[] = [];

  const reject = (kind: "invalid" | "duplicates", error: ImportError) => {
    report[kind] += 1;
    report.errors.push(error);
  };
  const flush = async () => {
    const batch = pending;
    pending = [];
    await insertBatch(batch, options, report, reject);
    options.onProgress?.(progressOf(report));
  };

  for await (const row of rows) {
    report.read += 1;
    if ("problem" in row) {
      reject("invalid", { line: row.line, ...accountOf(row.account), reasons: [row.problem] });
    } else {
      const result = validateCustomerInput(row.values);
      if (!result.ok) {
        const reasons = fieldOrder.flatMap((field) => result.errors[field] ?? []);
        reject("invalid", { line: row.line, ...accountOf(row.values.account), reasons });
      } else {
        const { account } = result.value;
        const earlier = firstLine.get(account);
        if (earlier !== undefined) {
          reject("duplicates", {
            line: row.line,
            account,
            reasons: [`duplicate of line ${earlier}`],
          });
        } else {
          firstLine.set(account, row.line);
          pending.push({ line: row.line, input: result.value });
        }
      }
    }
    if (report.read % batchSize === 0) await flush();
  }
  if (report.read % batchSize !== 0 || report.read === 0) await flush();
  report.errors.sort((a, b) => a.line - b.line);
  return report;
}

function progressOf({ read, created, invalid, duplicates }: ImportProgress): ImportProgress {
  return { read, created, invalid, duplicates };
}

/** The account as the file had it (trimmed, shortened), when there was one. */
function accountOf(raw: string | undefined): { account?: string } {
  const account = raw?.trim();
  if (!account) return {};
  return { account: account.length > 100 ? `${account.slice(0, 99)}…` : account };
}

const alreadyExists = (account: string, customerId: string | undefined) =>
  `account ${account} already exists${customerId ? ` (${customerId})` : ""}`;

async function insertBatch(
  batch: Pending[],
  options: ImportOptions,
  report: ImportReport,
  reject: (kind: "duplicates", error: ImportError) => void,
): Promise<void> {
  if (batch.length === 0) return;
  const { customers } = options;
  const existing = await customers.ownersOf(batch.map((row) => row.input.account));
  let toInsert: Pending[] = [];
  for (const row of batch) {
    const customerId = existing.get(row.input.account);
    if (customerId === undefined) toInsert.push(row);
    else
      reject("duplicates", {
        line: row.line,
        account: row.input.account,
        reasons: [alreadyExists(row.input.account, customerId)],
      });
  }

  const now = options.now?.() ?? new Date();
  const newId = options.newId ?? (() => newCustomerId());
  const created: { row: Pending; customer: Customer }[] = [];
  const takenMeanwhile: Pending[] = [];
  const failures: string[] = [];
  for (let attempt = 1; toInsert.length > 0; attempt += 1) {
    const attempted = toInsert.map((row) => newCustomer(row.input, newId(), now));
    const refused = new Map(
      (await customers.insertEach(attempted)).map((refusal) => [refusal.index, refusal]),
    );
    const again: Pending[] = [];
    for (const [index, row] of toInsert.entries()) {
      const customer = attempted[index] as Customer;
      const refusal = refused.get(index);
      if (!refusal) created.push({ row, customer });
      else if (refusal.kind === "refused") failures.push(`line ${row.line}: ${refusal.message}`);
      else if (refusal.kind === "account-taken") takenMeanwhile.push(row);
      else if (attempt < idAttempts) again.push(row);
      else failures.push(`line ${row.line}: no free customer ID after ${idAttempts} attempts`);
    }
    toInsert = again;
  }

  if (takenMeanwhile.length > 0) {
    // Another import (or the console) created these accounts between the lookup and the insert.
    const owners = await customers.ownersOf(takenMeanwhile.map((row) => row.input.account));
    for (const row of takenMeanwhile) {
      const { account } = row.input;
      reject("duplicates", {
        line: row.line,
        account,
        reasons: [alreadyExists(account, owners.get(account))],
      });
    }
  }

  report.created += created.length;
  await options.audit.recordMany(
    created.map(({ row, customer }) => importEvent(row, customer, options, now)),
  );
  if (failures.length > 0) {
    throw new Error(
      `the database refused ${failures.length} row(s): ${failures.slice(0, 5).join("; ")}`,
    );
  }
}

function newCustomer(input: CustomerInput, customerId: string, now: Date): Customer {
  return {
    customerId,
    account: input.account,
    teamName: input.teamName,
    teamType: input.teamType,
    companyName: input.companyName,
    balance: 0,
    credits: 0,
    status: "on",
    tag: input.tag,
    createdAt: now,
    updatedAt: now,
  };
}

function importEvent(
  row: Pending,
  customer: Customer,
  options: ImportOptions,
  now: Date,
): AuditEvent {
  const { account, teamName, teamType, companyName, tag } = row.input;
  return {
    at: now,
    actorId: options.actorId,
    actorRole: null,
    action: "customer.import",
    outcome: "done",
    target: { customerId: customer.customerId, account },
    after: { account, teamName, teamType, companyName, tag, status: customer.status },
    detail: `imported from ${options.source} line ${row.line}`,
  };
}
