import { createHook } from "node:async_hooks";
import { createInterface } from "node:readline";
import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readCustomerRows } from "../../src/customers/customer-file-format.js";
import { readLines } from "../../src/files/line-reader.js";

const header = "account,teamName,teamType,companyName,tag";

async function linesOf(chunks: (string | Buffer)[]): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of readLines(Readable.from(chunks))) lines.push(line);
  return lines;
}

/** What readline (with `crlfDelay: Infinity`, as imports read files before) makes of the same text. */
async function readlineLinesOf(text: string): Promise<string[]> {
  const lines: string[] = [];
  const reader = createInterface({
    input: Readable.from([text]),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of reader) lines.push(line);
  return lines;
}

/**
 * Reads `lineCount` lines and returns the most promises any one promise (or resource) set off: a
 * reader racing every line against one long-lived promise leaves a reaction on it per line.
 */
async function mostReactionsOnOnePromise(
  lineCount: number,
  read: (text: string) => AsyncIterable<unknown> = (text) => readLines(Readable.from([text])),
): Promise<number> {
  const rows = Array.from({ length: lineCount }, (_, i) => `u${i}@example.com,Team ${i},default,,`);
  const text = [header, ...rows].join("\n");
  const reactions = new Map<number, number>();
  const hook = createHook({
    init(_id, type, triggerId) {
      if (type === "PROMISE") reactions.set(triggerId, (reactions.get(triggerId) ?? 0) + 1);
    },
  });
  let count = 0;
  hook.enable();
  try {
    for await (const _item of read(text)) count += 1;
  } finally {
    hook.disable();
  }
  expect(count).toBeGreaterThanOrEqual(lineCount);
  return Math.max(...reactions.values());
}

describe("the import's line reader", () => {
  it("leaves nothing behind per line: reading 4,000 lines attaches no more to any promise than 400 do", async () => {
    const few = await mostReactionsOnOnePromise(400);
    const many = await mostReactionsOnOnePromise(4000);
    expect(many).toBe(few);
    expect(many).toBeLessThan(10);
  });

  it("and so does the whole CSV row reader of an import", async () => {
    const rows = (text: string) => readCustomerRows(Readable.from([text]), "csv");
    const few = await mostReactionsOnOnePromise(400, rows);
    const many = await mostReactionsOnOnePromise(4000, rows);
    expect(many).toBe(few);
  });

  it("splits lines exactly as readline does: \\n, \\r\\n and a lone \\r, no empty last line", async () => {
    for (const text of [
      "a\nb\r\nc\rd",
      "a\n\nb\n",
      "a\r\n\r\nb\r\n",
      "x\n\r",
      "only",
      "",
      "\n",
      "trailing\r",
    ]) {
      expect(await linesOf([text]), JSON.stringify(text)).toEqual(await readlineLinesOf(text));
    }
  });

  it("joins what chunk boundaries split: a \\r\\n and a multi-byte character across two chunks", async () => {
    const bytes = Buffer.from("Zoë\r\nJosé\n", "utf8");
    const cut = bytes.indexOf("\n"); // between \r and \n
    const splitAccent = bytes.indexOf(Buffer.from("é")) + 1; // inside é's two bytes
    expect(
      await linesOf([
        bytes.subarray(0, cut),
        bytes.subarray(cut, splitAccent),
        bytes.subarray(splitAccent),
      ]),
    ).toEqual(["Zoë", "José"]);
  });

  it("throws the stream's error, and destroys the stream when the reader stops early", async () => {
    const failing = new PassThrough();
    failing.write("one\n");
    setImmediate(() => failing.destroy(new Error("disk gone")));
    const lines: string[] = [];
    await expect(
      (async () => {
        for await (const line of readLines(failing)) lines.push(line);
      })(),
    ).rejects.toThrow("disk gone");
    expect(lines).toEqual(["one"]);

    const long = new PassThrough();
    long.write("first\nsecond\n");
    for await (const _line of readLines(long)) break;
    expect(long.destroyed).toBe(true);
  });
});
