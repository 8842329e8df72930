import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { sourceFiles } from "../support/source-files.js";

describe("the audit trail is append-only", () => {
  it("only the audit repository touches audit_events, and it never updates or deletes", async () => {
    const files = await sourceFiles(new URL("../../src", import.meta.url).pathname);
    const touching: string[] = [];
    for (const file of files) {
      const text = await readFile(file, "utf8");
      if (text.includes("collections.auditEvents") || text.includes('"audit_events"'))
        touching.push(file.replace(/.*\/src\//, "src/"));
    }
    expect(touching.sort()).toEqual([
      "src/audit/audit-repository.ts",
      "src/db/collections.ts",
      "src/db/indexes.ts",
    ]);
    const repository = await readFile(
      new URL("../../src/audit/audit-repository.ts", import.meta.url),
      "utf8",
    );
    expect(repository).not.toMatch(
      /\.(update|delete|replace|findOneAndUpdate|findOneAndDelete|findOneAndReplace|drop|bulkWrite)\w*\(/,
    );
  });
});
