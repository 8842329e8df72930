/** Fills the benchmark's own database with demo customers (src/customers/demo-customers.ts), in batches. */
import { performance } from "node:perf_hooks";
import type { Customer } from "../../src/customers/customer.js";
import { CustomerRepository } from "../../src/customers/customer-repository.js";
import { demoCustomers, seededRandom } from "../../src/customers/demo-customers.js";
import { connectDatabase, type Database } from "../../src/db/mongo.js";
import { createLogger } from "../../src/logging/logger.js";

const batchSize = 1000;

export interface Seeded {
  database: Database;
  customers: Customer[];
  ms: number;
}

/** Connects (creating the app's indexes), inserts `count` customers and returns them with the connection. */
export async function seedCustomers(options: {
  uri: string;
  dbName: string;
  count: number;
  seed: number;
}): Promise<Seeded> {
  const started = performance.now();
  const database = await connectDatabase({
    uri: options.uri,
    dbName: options.dbName,
    logger: createLogger({ level: "warn", pretty: false, destination: process.stderr }),
    serverSelectionTimeoutMS: 10_000,
  });
  try {
    const customers = await insertDemoCustomers(database, options.count, options.seed);
    return { database, customers, ms: performance.now() - started };
  } catch (error) {
    // Leave nothing half-seeded behind on someone's MONGODB_URI server.
    await database.db.dropDatabase().catch(() => {});
    await database.close().catch(() => {});
    throw error;
  }
}

/**
 * Drops the customers whose random ID an earlier one has (`seen` holds them): at 1,000,000
 * customers a repeat of the 8-character IDs is likely, and the unique index would refuse the batch.
 */
function withNewIds(batch: Customer[], seen: Set<string>): Customer[] {
  return batch.filter((customer) => {
    if (seen.has(customer.customerId)) return false;
    seen.add(customer.customerId);
    return true;
  });
}

async function insertDemoCustomers(
  database: Database,
  count: number,
  seed: number,
): Promise<Customer[]> {
  const repository = new CustomerRepository(database.db);
  const random = seededRandom(seed);
  const customers: Customer[] = [];
  const seen = new Set<string>();
  const now = new Date();
  for (let round = 0; customers.length < count; round += 1) {
    const generated = demoCustomers(Math.min(batchSize, count - customers.length), {
      now,
      random,
      batch: `b${round * batchSize}-`,
    }) as Customer[];
    const batch = withNewIds(generated, seen);
    // insertMany adds _id to the documents it is given; keep the returned customers clean.
    const inserted = await repository.insertMany(batch.map((customer) => ({ ...customer })));
    if (inserted !== batch.length)
      throw new Error(
        `only ${inserted} of ${batch.length} demo customers were inserted (an ID collision?); try another --seed`,
      );
    customers.push(...batch);
    if (process.stderr.isTTY)
      process.stderr.write(
        `\r  seeded ${customers.length.toLocaleString("en-US")}/${count.toLocaleString("en-US")} customers`,
      );
  }
  if (process.stderr.isTTY) process.stderr.write("\n");
  return customers;
}
