import { readdir } from "node:fs/promises";
import { join } from "node:path";

/** Every `.ts` file below `folder`, at any depth. */
export async function sourceFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory()
        ? sourceFiles(join(folder, entry.name))
        : Promise.resolve(entry.name.endsWith(".ts") ? [join(folder, entry.name)] : []),
    ),
  );
  return nested.flat();
}
