import "dotenv/config";
import { parseArgs } from "node:util";
import { demoCustomers, seededRandom } from "../customers/demo-customers.js";
import { openCliDatabase } from "./cli-database.js";

/** `npm run seed -- --count N [--seed S]`: fills the configured database with demo customers. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { count: { type: "string", default: "200" }, seed: { type: "string" } },
  });
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1 || count > 1_000_000) {
    process.stderr.write("--count must be a whole number from 1 to 1000000\n");
    process.exit(2);
  }
  const seed = values.seed === undefined ? Date.now() : Number(values.seed);
  const { customers, close } = await openCliDatabase();
  try {
    const random = seededRandom(seed);
    const batch = seed.toString(36).slice(-4);
    let inserted = 0;
    for (let start = 0; start < count; start += 1000) {
      const size = Math.min(1000, count - start);
      const documents = demoCustomers(size, {
        now: new Date(),
        random,
        batch: `${batch}${start}-`,
      });
      inserted += await customers.insertMany(documents);
      process.stderr.write(`\rseeded ${inserted}/${count}`);
    }
    process.stderr.write(`\nseeded ${inserted} demo customers\n`);
  } finally {
    await close();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`seed failed: ${(error as Error).message}\n`);
  process.exit(1);
});
