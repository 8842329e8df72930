import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { inBatches } from "../../src/files/batches.js";

/** A source of `count` numbers that says how many were read and whether it was closed. */
function countingSource(count: number, failAfter?: number) {
  const state = { read: 0, closed: false };
  async function* numbers() {
    try {
      for (let i = 0; i < count; i += 1) {
        if (i === failAfter) throw new Error("the cursor was killed");
        state.read += 1;
        yield i;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, source: numbers() };
}

describe("inBatches", () => {
  it("hands over every item, in order, in arrays of the size asked for (the last one shorter)", async () => {
    const { source } = countingSource(2_500);
    const sizes: number[] = [];
    const items: number[] = [];
    for await (const batch of inBatches(source, 1_000)) {
      sizes.push(batch.length);
      items.push(...batch);
    }
    expect(sizes).toEqual([1_000, 1_000, 500]);
    expect(items).toEqual(Array.from({ length: 2_500 }, (_, i) => i));
  });

  it("reads the next array while the caller works on one, but never more than one ahead", async () => {
    const { state, source } = countingSource(10_000);
    const readWhileHolding: number[] = [];
    let handed = 0;
    for await (const batch of inBatches(source, 100)) {
      handed += batch.length;
      // A slow consumer (a full disk): the source is not drained meanwhile.
      await sleep(5);
      readWhileHolding.push(state.read - handed);
      if (handed >= 1_000) break;
    }
    expect(readWhileHolding).toEqual(Array(10).fill(100));
  });

  it("closes the source when the caller stops early", async () => {
    const { state, source } = countingSource(10_000);
    for await (const batch of inBatches(source, 100)) {
      expect(batch[0]).toBe(0);
      break;
    }
    expect(state.closed).toBe(true);
    expect(state.read).toBe(200);
  });

  it("fails with the source's error after the arrays read before it", async () => {
    const { source } = countingSource(10, 5);
    const batches: number[][] = [];
    await expect(
      (async () => {
        for await (const batch of inBatches(source, 3)) batches.push(batch);
      })(),
    ).rejects.toThrow("the cursor was killed");
    expect(batches).toEqual([[0, 1, 2]]);
  });

  it("gives nothing for an empty source", async () => {
    const { source } = countingSource(0);
    const batches: number[][] = [];
    for await (const batch of inBatches(source, 3)) batches.push(batch);
    expect(batches).toEqual([]);
  });
});
