/** Lets pending I/O callbacks and promise jobs run (e.g. a database driver sending its next request). */
const letOthersRun = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Up to `size` items of `iterator`, and whether it ended. */
async function fill<T>(iterator: AsyncIterator<T>, size: number): Promise<IteratorResult<T[]>> {
  const items: T[] = [];
  while (items.length < size) {
    const next = await iterator.next();
    if (next.done) return { done: true, value: items };
    items.push(next.value);
  }
  return { done: false, value: items };
}

/**
 * The items of `source` in arrays of `size` (the last one shorter), read one array ahead: while the
 * caller works on one array the next is being read (a cursor's next round trip runs meanwhile), so
 * at most two arrays are held. The caller handles each array synchronously, without a promise per
 * item. Stopping early (break, throw) waits for the read under way, then closes `source`.
 */
export async function* inBatches<T>(source: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  let reading: Promise<IteratorResult<T[]>> | undefined = fill(iterator, size);
  let ended = false;
  try {
    while (reading) {
      const batch: IteratorResult<T[]> = await reading;
      ended = batch.done === true;
      reading = ended ? undefined : fill(iterator, size);
      // Handled only so that it is no unhandled rejection meanwhile: the next `await reading` throws it.
      reading?.catch(() => {});
      if (reading) await letOthersRun();
      if (batch.value.length > 0) yield batch.value;
    }
  } finally {
    if (!ended) {
      const settled = await reading?.then(
        (batch) => batch.done === true,
        () => true,
      );
      // A source that failed or ended has closed itself; one stopped half-way is closed here.
      if (!settled) await iterator.return?.();
    }
  }
}
