import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import { describe, expect, it } from "vitest";
import { collections } from "../../src/db/collections.js";
import { sourceFiles } from "../support/source-files.js";

const src = new URL("../../src", import.meta.url).pathname;

async function sources(): Promise<{ file: string; text: string }[]> {
  const files = await sourceFiles(src);
  return Promise.all(
    files.map(async (file) => ({ file: relative(src, file), text: await readFile(file, "utf8") })),
  );
}

const isRepository = (file: string) => file.endsWith("-repository.ts");
const inDb = (file: string) => file.startsWith("db/");

describe("one owner per collection", () => {
  it("each collection is named by exactly one repository (and by src/db, which creates the indexes)", async () => {
    const all = await sources();
    for (const [key, name] of Object.entries(collections)) {
      const byName = new RegExp(`collections\\.${key}\\b|\\.collection(<[^>]*>)?\\("${name}"`);
      const naming = all
        .filter(({ text }) => byName.test(text))
        .map(({ file }) => file)
        .filter((file) => !inDb(file) || isRepository(file));
      expect(naming, name).toHaveLength(1);
      expect(naming.every(isRepository), `${name} is named by ${naming.join(", ")}`).toBe(true);
    }
  });

  it("only repositories and src/db import values from the driver; everything else imports its types", async () => {
    const valueImports = (await sources())
      .filter(({ text }) => /^import \{[^}]*\} from "mongodb";/m.test(text))
      .map(({ file }) => file);

    expect(valueImports.filter((file) => !isRepository(file) && !inDb(file))).toEqual([]);
  });
});
