import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { inviteLink } from "../../src/invites/invites.js";

const envExample = () => readFile(new URL("../../.env.example", import.meta.url), "utf8");
const readme = () => readFile(new URL("../../README.md", import.meta.url), "utf8");

/** The variables README's "Environment variables" table lists (first column, one or more a row). */
function readmeVariables(text: string): string[] {
  const section = text.split(/^### Environment variables$/m)[1]?.split(/^#{2,3} /m)[0] ?? "";
  return section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .flatMap((line) => [...(line.split("|")[1] ?? "").matchAll(/`([A-Z][A-Z0-9_]*)`/g)])
    .map((match) => match[1] ?? "");
}

describe("the configuration documents", () => {
  it("describe the invite link the bot really builds, in .env.example and README", async () => {
    const link = inviteLink("CONSOLE_BASE_URL", "TOKEN");
    const [example, text] = await Promise.all([envExample(), readme()]);
    const documented = /invite links are (CONSOLE_BASE_URL\S*)/.exec(example)?.[1];
    expect(documented?.replace("…", "TOKEN")).toBe(link);
    expect(text).toContain(`(\`${link}\`)`);
  });

  it("README's table lists every variable in .env.example, and no other", async () => {
    const [example, text] = await Promise.all([envExample(), readme()]);
    const inExample = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);
    const inReadme = readmeVariables(text);
    expect(inReadme.length).toBeGreaterThan(15);
    expect(new Set(inReadme).size).toBe(inReadme.length);
    expect([...inReadme].sort()).toEqual([...inExample].sort());
  });
});
