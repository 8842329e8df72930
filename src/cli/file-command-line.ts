import { parseArgs } from "node:util";
import { type CustomerFileFormat, formatFromPath } from "../customers/customer-file-format.js";

const usageExitCode = 2;

/** Prints `message` and the usage; the exit code for bad usage. */
export function usageError(message: string, usage: string): number {
  process.stderr.write(`${message}\n\n${usage}`);
  return usageExitCode;
}

/**
 * The command line of a tool that takes no arguments but `--help` (`npm run reindex`, `npm run
 * verify-totals`): the exit code when there is nothing more to do (0 after printing the help, 2 after
 * a usage error), null to go on.
 */
export function readHelpOnlyCommandLine(usage: string): number | null {
  let help: boolean | undefined;
  try {
    ({ help } = parseArgs({ options: { help: { type: "boolean", short: "h" } } }).values);
  } catch (error) {
    return usageError((error as Error).message, usage);
  }
  if (!help) return null;
  process.stdout.write(usage);
  return 0;
}

/**
 * The command line of `npm run import` and `npm run export`, as `parse` reads it (node's parseArgs
 * with their options, `--help` among them), and the one FILE they read or write, with its format from
 * its name. Returns the exit code instead when there is nothing more to do: 0 after printing the help,
 * 2 after a usage error.
 */
export function readFileCommandLine<Values extends { help?: boolean | undefined }>(
  parse: () => { values: Values; positionals: string[] },
  usage: string,
  verb: "import" | "write",
): { file: string; format: CustomerFileFormat; values: Values } | number {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    return usageError((error as Error).message, usage);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (positionals.length !== 1) {
    return usageError(
      positionals.length === 0
        ? `Which file? Give one FILE to ${verb}.`
        : `Give exactly one FILE to ${verb}.`,
      usage,
    );
  }
  const file = positionals[0] as string;
  const format = formatFromPath(file);
  if (!format)
    return usageError(`${file}: the file name must end in .csv, .jsonl or .ndjson`, usage);
  return { file, format, values };
}
