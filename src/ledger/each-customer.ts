import type { CustomerRepository } from "../customers/customer-repository.js";

/** How far a pass over every customer has got. */
export interface CustomerProgress {
  done: number;
  /** From the collection's metadata: about how many there are. */
  estimatedTotal: number;
}

const batchSize = 500;
/** Customers worked on at once within a batch (each in its own transaction). */
const concurrency = 8;

/**
 * Runs `work` for every customer, in batches of 500 read by the unique `customerId` index (flat
 * memory however many there are), a few at a time; hands each result to `onResult` in customer ID
 * order and reports progress after each batch. Returns how many customers there were.
 */
export async function forEachCustomer<T>(
  customers: CustomerRepository,
  work: (customerId: string) => Promise<T>,
  report: { onResult?: (result: T) => void; onProgress: (progress: CustomerProgress) => void },
): Promise<number> {
  const estimatedTotal = await customers.estimatedCount();
  let done = 0;
  let after: string | null = null;
  for (;;) {
    const batch = await customers.customerIdsAfter(after, batchSize);
    if (batch.length === 0) return done;
    for (let start = 0; start < batch.length; start += concurrency) {
      const results = await Promise.all(batch.slice(start, start + concurrency).map(work));
      for (const result of results) report.onResult?.(result);
    }
    done += batch.length;
    after = batch.at(-1) ?? null;
    report.onProgress({ done, estimatedTotal: Math.max(estimatedTotal, done) });
  }
}
