import { randomUUID } from "node:crypto";
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
import type { CustomerRepository, InsertRefusal } from "./customer-repository.js";

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

/** What an import did: `read` = `created` + `invalid` + `duplicates`. */
export type ImportReport = ImportProgress;

export interface ImportOptions {
  customers: CustomerRepository;
  audit: AuditRepository;
  /** Who imports, for the audit trail, e.g. `cli:ana`. */
  actorId: string;
  /** The file's name, for the audit trail (`imported from customers.csv line 7`). */
  source: string;
  now?: () => Date;
  /**
   * Hears each batch's rejected rows, in line order, as soon as the batch is done; the import keeps
   * none of them. The next batch is read once it resolves (back-pressure from a slow report file).
   */
  onRejected?: (errors: ImportError[]) => void | Promise<void>;
  /** Called after every batch (every `batchSize` rows read, and at the end). */
  onProgress?: (progress: ImportProgress) => void;
  /**
   * Rows read per batch; each batch's customers are inserted a few hundred at a time, and its audit
   * events are recorded in one transaction. Default 1000.
   */
  batchSize?: number;
  /** New internal IDs (tests force collisions with it). */
  newId?: () => string;
}

/**
 * Batches written at once (each one's customers inserted, then its audit events recorded) while the
 * next is read; see `importCustomers`. What the import holds is bounded by it, whatever the file.
 */
export const batchesHeld = 8;
/**
 * Customers a single insert carries. A batch's customers go in a few inserts, so that the steps of
 * the audit chain, one after the other, do not wait long behind them at the database.
 */
const insertChunk = 250;
/** Field order of the reasons given for an invalid row. */
const fieldOrder: CustomerInputField[] = ["account", "teamName", "teamType", "companyName", "tag"];
/** How often one row gets a fresh internal ID when the one drawn is taken (31^8 IDs: practically never twice). */
const idAttempts = 5;

interface Pending {
  line: number;
  input: CustomerInput;
}

/** One batch's valid rows and its rejected rows (the invalid ones first, then the duplicates). */
interface Batch {
  valid: Pending[];
  rejected: ImportError[];
  /** Rows read up to the batch's end. */
  readUpTo: number;
}

interface Run extends ImportOptions {
  /** The `requestId` of this import's audit events: a later line finds an earlier one's by it. */
  runId: string;
  /** When the run started: its audit events are all at or after it. */
  startedAt: Date;
  report: ImportReport;
}

/**
 * Imports customer rows as new customers, streaming: every row is validated with the create form's
 * schema and the valid ones are inserted in batches, each with its audit events. The account's unique
 * index decides what is a duplicate — of a customer stored before ("already exists"), or of an
 * earlier line of the same import (named through that line's audit event) — so nothing the import
 * holds grows with the file. Running the same rows twice creates nothing the second time. Rejected
 * rows never stop the import; only an unexpected database failure does.
 */
export async function importCustomers(
  rows: AsyncIterable<CustomerRow> | Iterable<CustomerRow>,
  options: ImportOptions,
): Promise<ImportReport> {
  const batchSize = options.batchSize ?? 1000;
  const run: Run = {
    ...options,
    runId: `import-${randomUUID()}`,
    startedAt: options.now?.() ?? new Date(),
    report: { read: 0, created: 0, invalid: 0, duplicates: 0 },
  };
  const { report } = run;
  const newBatch = (): Batch => ({ valid: [], rejected: [], readUpTo: 0 });
  let batch = newBatch();
  // A batch is written in two steps, each in file order: its customers are inserted, then its audit
  // events are recorded and its rejected rows reported. The audit chain's steps are one after the
  // other, so while a batch is recorded the next batches' customers are inserted and further rows
  // read and checked: the database and the import both have work while the other works. At most
  // `batchesHeld` batches are being written, plus the one being read.
  let inserting: Promise<unknown> = Promise.resolve();
  /** The batches being written, oldest first, each one's promise settling once it is recorded. */
  const recordings: Promise<void>[] = [];
  const flush = async () => {
    const done = batch;
    done.readUpTo = report.read;
    batch = newBatch();
    while (recordings.length >= batchesHeld) await recordings.shift();
    const inserted = inserting.then(() => insertCustomers(done, run));
    const previous = recordings.at(-1) ?? Promise.resolve();
    // Recorded even when an earlier batch failed to be (its customers are in: nothing goes
    // unaudited or unreported); the earlier failure is the one passed on.
    const recorded = previous.then(
      async () => recordBatch(done, await inserted, run),
      async (error: unknown) => {
        await recordBatch(done, await inserted, run).catch(() => {});
        throw error;
      },
    );
    inserting = inserted;
    recordings.push(recorded);
    // Handled only so that they are no unhandled rejections meanwhile: a later await throws them.
    inserted.catch(() => {});
    recorded.catch(() => {});
  };
  /**
   * Waits for every batch being written (each recording waits for its batch's insert); the first
   * failure in file order, if any, is thrown.
   */
  const settled = async () => {
    const outcomes = await Promise.allSettled(recordings);
    for (const outcome of outcomes) if (outcome.status === "rejected") throw outcome.reason;
  };

  try {
    for await (const row of rows) {
      report.read += 1;
      const checked = checkRow(row);
      if ("reasons" in checked) batch.rejected.push(checked);
      else batch.valid.push(checked);
      if (report.read % batchSize === 0) await flush();
    }
    if (report.read % batchSize !== 0 || report.read === 0) await flush();
  } catch (error) {
    // The file or a batch failed: let the batches being written finish before the caller closes
    // the database.
    await settled().catch(() => {});
    throw error;
  }
  await settled();
  return { ...report };
}

/** The row as a customer to create, or why it cannot be one (before any database work). */
function checkRow(row: CustomerRow): Pending | ImportError {
  if ("problem" in row)
    return { line: row.line, ...accountOf(row.account), reasons: [row.problem] };
  const result = validateCustomerInput(row.values);
  if (result.ok) return { line: row.line, input: result.value };
  const reasons = fieldOrder.flatMap((field) => result.errors[field] ?? []);
  return { line: row.line, ...accountOf(row.values.account), reasons };
}

/** The account as the file had it (trimmed, shortened), when there was one. */
function accountOf(raw: string | undefined): { account?: string } {
  const account = raw?.trim();
  if (!account) return {};
  return { account: account.length > 100 ? `${account.slice(0, 99)}…` : account };
}

const alreadyExists = (account: string, customerId: string | undefined) =>
  `account ${account} already exists${customerId ? ` (${customerId})` : ""}`;

const importDetail = (source: string, line: number) => `imported from ${source} line ${line}`;
/** The line an import event's detail names (see importDetail). */
const importedLine = /line (\d+)$/;

/** What inserting a batch's customers did, for its second step (`recordBatch`). */
interface Inserted {
  /** When the customers were created (their audit events carry the same time). */
  at: Date;
  created: { row: Pending; customer: Customer }[];
  /** Rows whose account the unique index refused. */
  taken: Pending[];
  /** Rows the database refused for another reason (the import stops after this batch). */
  failures: string[];
}

/**
 * The first step of writing a batch: inserts its valid rows (unordered: the unique indexes refuse
 * what is taken), drawing a fresh internal ID for a row whose ID was taken.
 */
async function insertCustomers(batch: Batch, run: Run): Promise<Inserted> {
  const at = run.now?.() ?? new Date();
  const inserted: Inserted = { at, created: [], taken: [], failures: [] };
  const { created, taken, failures } = inserted;
  const newId = run.newId ?? (() => newCustomerId());
  let toInsert = batch.valid;
  for (let attempt = 1; toInsert.length > 0; attempt += 1) {
    const attempted = toInsert.map((row) => newCustomer(row.input, newId(), at));
    const refused = new Map<number, InsertRefusal>();
    for (let start = 0; start < attempted.length; start += insertChunk) {
      const chunk = attempted.slice(start, start + insertChunk);
      for (const refusal of await run.customers.insertEach(chunk)) {
        refused.set(start + refusal.index, refusal);
      }
    }
    const again: Pending[] = [];
    for (const [index, row] of toInsert.entries()) {
      const customer = attempted[index] as Customer;
      const refusal = refused.get(index);
      if (!refusal) created.push({ row, customer });
      else if (refusal.kind === "refused") failures.push(`line ${row.line}: ${refusal.message}`);
      else if (refusal.kind === "account-taken") taken.push(row);
      else if (attempt < idAttempts) again.push(row);
      else failures.push(`line ${row.line}: no free customer ID after ${idAttempts} attempts`);
    }
    toInsert = again;
  }
  return inserted;
}

/**
 * The second step, in file order: records an audit event per created customer, reports each
 * refused account as a duplicate (the events of earlier batches are recorded by then), hands out
 * the batch's rejected rows and its progress, and fails when the database refused a row.
 */
async function recordBatch(batch: Batch, inserted: Inserted, run: Run): Promise<void> {
  const { report } = run;
  const { at, created, taken, failures } = inserted;
  report.invalid += batch.rejected.length;
  report.created += created.length;
  if (created.length > 0) {
    await run.audit.recordMany(
      created.map(({ row, customer }) => importEvent(row, customer, run, at)),
    );
  }
  if (taken.length > 0) await rejectTaken(taken, batch, run);
  if (batch.rejected.length > 0) {
    batch.rejected.sort((x, y) => x.line - y.line);
    await run.onRejected?.(batch.rejected);
  }
  const { created: createdSoFar, invalid, duplicates } = report;
  run.onProgress?.({ read: batch.readUpTo, created: createdSoFar, invalid, duplicates });
  if (failures.length > 0) {
    throw new Error(
      `the database refused ${failures.length} row(s): ${failures.slice(0, 5).join("; ")}`,
    );
  }
}

/**
 * Rows whose account the unique index refused: a duplicate of an earlier line when this import
 * created that customer (its audit event, recorded already, names the line), else an account that
 * existed before (or was created meanwhile by the console or another import).
 */
async function rejectTaken(taken: Pending[], batch: Batch, run: Run): Promise<void> {
  const owners = await run.customers.ownersOf(taken.map((row) => row.input.account));
  // Only a customer created since the run started can be this run's: accounts that existed before
  // (every row of a file imported again) are named without reading the audit trail.
  const sinceStart = [...owners.values()].filter((owner) => owner.createdAt >= run.startedAt);
  const ownLines = new Map<string, string>();
  for (const event of await run.audit.eventsOfRequest(
    run.runId,
    sinceStart.map((owner) => owner.customerId),
    run.startedAt,
  )) {
    const line = importedLine.exec(event.detail ?? "")?.[1];
    if (event.target?.customerId && line) ownLines.set(event.target.customerId, line);
  }
  for (const row of taken) {
    const { account } = row.input;
    const owner = owners.get(account)?.customerId;
    const earlierLine = owner === undefined ? undefined : ownLines.get(owner);
    run.report.duplicates += 1;
    batch.rejected.push({
      line: row.line,
      account,
      reasons: [earlierLine ? `duplicate of line ${earlierLine}` : alreadyExists(account, owner)],
    });
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

function importEvent(row: Pending, customer: Customer, run: Run, now: Date): AuditEvent {
  const { account, teamName, teamType, companyName, tag } = row.input;
  return {
    at: now,
    actorId: run.actorId,
    actorRole: null,
    action: "customer.import",
    outcome: "done",
    target: { customerId: customer.customerId, account },
    after: { account, teamName, teamType, companyName, tag, status: customer.status },
    detail: importDetail(run.source, row.line),
    requestId: run.runId,
  };
}
