/**
 * Slack reads markup in a message's `text` and in mrkdwn objects; the compiler makes both take built
 * `Mrkdwn` (src/blocks/mrkdwn.ts). These checks close the ways around it: writing a mrkdwn object by
 * hand, putting a string or template literal in `text:`, or making a `Mrkdwn` outside the builder.
 */
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { sourceFiles } from "../support/source-files.js";

const srcRoot = resolve(import.meta.dirname, "../../src");
/** The terminal tools print to a console, not to Slack. */
const slackFiles = (await sourceFiles(srcRoot))
  .map((file) => ({ path: relative(srcRoot, file), text: readFileSync(file, "utf8") }))
  .filter((file) => !file.path.startsWith("cli/"));

function offending(pattern: RegExp, allowedIn: string[] = []): string[] {
  return slackFiles
    .filter((file) => !allowedIn.includes(file.path))
    .flatMap((file) =>
      file.text
        .split("\n")
        .flatMap((line, index) =>
          pattern.test(line) ? [`${file.path}:${index + 1}: ${line.trim()}`] : [],
        ),
    );
}

describe("mrkdwn is only ever built", () => {
  it("no `text:` is a string or template literal (plain text goes through plain(), mrkdwn through md)", () => {
    expect(offending(/\btext:\s*[`"']/)).toEqual([]);
  });

  it("mrkdwn objects are made only by mrkdwn() in blocks/text.ts", () => {
    expect(offending(/type:\s*["']mrkdwn["']/, ["blocks/text.ts"])).toEqual([]);
  });

  it("no module but the builder makes or casts to Mrkdwn", () => {
    expect(offending(/as (unknown as )?Mrkdwn\b|new Mrkdwn\(/, ["blocks/mrkdwn.ts"])).toEqual([]);
  });
});
