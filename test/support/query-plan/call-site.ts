import { fileURLToPath } from "node:url";

/** Where a command came from: the innermost frame outside the driver and this recorder. */
export interface CallSite {
  /** `app` for a frame in src/, `test` for one in test/ (setup, assertions), `unknown` otherwise. */
  readonly side: "app" | "test" | "unknown";
  readonly text: string;
}

const root = fileURLToPath(new URL("../../../", import.meta.url));
const recorderFiles = ["call-site.ts", "command-recorder.ts"].map((name) =>
  fileURLToPath(new URL(`./${name}`, import.meta.url)),
);
const unknownSite: CallSite = { side: "unknown", text: "(no frame outside the driver)" };

const outside = (file: string | null | undefined): file is string =>
  typeof file === "string" &&
  !file.startsWith("node:") &&
  !file.includes("/node_modules/") &&
  !recorderFiles.some((recorder) => file === recorder || file === `file://${recorder}`);

/**
 * The caller of the driver operation that is sending a command right now, read from V8's async
 * stack trace as structured call sites: no string formatting, no source maps (the costly part of
 * `new Error().stack`), so it is cheap enough for every command. Its line numbers would be those of the
 * transformed module, so the call site is named by function and file; `currentStack` has the lines.
 */
export function currentCallSite(): CallSite {
  const originalPrepare = Error.prepareStackTrace;
  const originalLimit = Error.stackTraceLimit;
  Error.prepareStackTrace = (_error, sites) => sites;
  Error.stackTraceLimit = 40;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  try {
    Error.captureStackTrace(holder);
    const sites = holder.stack ?? [];
    const site = sites.find((candidate) => outside(candidate.getFileName()));
    if (!site) return unknownSite;
    const file = (site.getFileName() as string).replace(/^file:\/\//, "");
    const relative = file.startsWith(root) ? file.slice(root.length) : file;
    const name = site.getFunctionName()
      ? `${site.getTypeName() && !site.isToplevel() ? `${site.getTypeName()}.` : ""}${site.getFunctionName()}`
      : "<anonymous>";
    return {
      side: relative.startsWith("src/") ? "app" : relative.startsWith("test/") ? "test" : "unknown",
      text: `${name} (${relative})`,
    };
  } finally {
    Error.prepareStackTrace = originalPrepare;
    Error.stackTraceLimit = originalLimit;
  }
}

/**
 * The stack of the command being sent, formatted with source-mapped lines (costly: only for the
 * first time an offending query is seen from a call site), from the first frame outside the driver.
 */
export function currentStack(frames = 6): string {
  const originalLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = originalLimit;
  const lines = stack.split("\n").slice(1);
  const first = lines.findIndex((line) => {
    const file = /(?:^at |\()((?:file:\/\/)?\/[^:()]+):\d+:\d+\)?$/.exec(line.trim())?.[1];
    return outside(file);
  });
  return lines
    .slice(Math.max(first, 0), Math.max(first, 0) + frames)
    .map((line) => line.trim().replace(`file://${root}`, "").replace(root, ""))
    .join("\n");
}
