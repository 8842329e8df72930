import type { CustomerRepository } from "./customer-repository.js";

/** How far a reindex has come: `done` of about `total` customers. */
export interface ReindexProgress {
  done: number;
  total: number;
}

export const reindexBatchSize = 1000;

/**
 * Rebuilds every customer's search keys, a batch at a time in `_id` order (each batch one read and
 * one bulk write, so memory stays flat), and reports after each batch. Safe to run while the bot
 * runs and to run again: a customer written meanwhile gets the same keys either way. Returns how
 * many customers it rewrote.
 */
export async function reindexSearchKeys(
  customers: CustomerRepository,
  onProgress: (progress: ReindexProgress) => void = () => {},
  batchSize = reindexBatchSize,
): Promise<number> {
  const total = await customers.estimatedCount();
  let done = 0;
  let lastId: string | null = null;
  for (;;) {
    const batch = await customers.rewriteSearchKeys(lastId, batchSize);
    done += batch.rewritten;
    lastId = batch.lastId;
    onProgress({ done, total: Math.max(total, done) });
    if (batch.rewritten < batchSize) return done;
  }
}
