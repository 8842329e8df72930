import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";

/**
 * The lines of a text stream, split as readline splits them with `crlfDelay: Infinity` (`\r\n`, `\n`
 * or a lone `\r` ends a line; no empty last line after a final break). Read with the stream's own
 * async iterator: one chunk in memory at a time, back-pressure for free, the stream's errors thrown
 * here, the stream destroyed when the reader stops early. Nothing is attached per line (racing each
 * readline line against an error promise left one reaction behind per line), so memory stays flat
 * however long the file is.
 */
export async function* readLines(stream: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder("utf8");
  const lineBreak = /\r\n|\n|\r/g;
  let rest = "";
  for await (const chunk of stream) {
    const text = rest + (typeof chunk === "string" ? chunk : decoder.write(chunk));
    let start = 0;
    lineBreak.lastIndex = 0;
    for (let found = lineBreak.exec(text); found; found = lineBreak.exec(text)) {
      // A `\r` at the very end may be the first half of a `\r\n` split across two chunks.
      if (found[0] === "\r" && found.index === text.length - 1) break;
      yield text.slice(start, found.index);
      start = found.index + found[0].length;
    }
    rest = text.slice(start);
  }
  rest += decoder.end();
  if (rest.endsWith("\r")) yield rest.slice(0, -1);
  else if (rest !== "") yield rest;
}
