/**
 * Reads a V8 `.cpuprofile` (from `npm run bench -- --cpu-prof`) and prints where the CPU went:
 * self time by area (a package under node_modules, a folder of src/, node's internals, GC), self
 * time by function, and — with `--under NAME` — the inclusive time of functions whose name matches.
 * Native and node-internal frames are also charged to the nearest caller that is app or package code
 * ("charged"), which says who asked for a JSON.stringify or a socket write.
 *
 *   npx tsx scripts/bench/profile-summary.ts app.cpuprofile [--ops N] [--top N] [--under REGEX]…
 *     [--callers REGEX]… [--window FROM-TO]…
 *
 * `--callers` splits the inclusive time of matching functions by their direct caller; `--window`
 * keeps only the samples between FROM and TO seconds after the profile began (e.g. the measured
 * rounds, without start-up).
 *
 * With `--ops N` (the operations the process served while profiled) times are also given in µs per
 * operation.
 */
import { readFileSync } from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const special = new Set(["(garbage collector)", "(program)", "(idle)", "(root)"]);

/** The area a frame belongs to: `pkg:NAME`, `src/DIR`, `node:MODULE`, a special frame, or `native`. */
export function areaOf(frame: CallFrame): string {
  if (special.has(frame.functionName)) return frame.functionName;
  const { url } = frame;
  if (!url) return "native";
  const modules = url.lastIndexOf("/node_modules/");
  if (modules >= 0) {
    const parts = url.slice(modules + "/node_modules/".length).split("/");
    const name = parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
    // The bench's compiled copy of this checkout lives under node_modules/.cache.
    if (name !== ".cache") return `pkg:${name}`;
  }
  const src = url.match(/\/(src|scripts|test)\/(.+)$/);
  if (src) {
    const [, top, rest] = src;
    const dirs = (rest ?? "").split("/");
    return dirs.length > 1 ? `${top}/${dirs[0]}` : `${top}/${dirs[0]}`;
  }
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/").slice(0, 2).join("/")}`;
  return url;
}

function isOwnCode(area: string): boolean {
  return area.startsWith("pkg:") || /^(src|scripts|test)\//.test(area);
}

function label(frame: CallFrame): string {
  const file = frame.url.replace(/^.*\/(node_modules|src|scripts)\//, "$1/");
  return `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
}

interface Options {
  file: string;
  ops: number | undefined;
  top: number;
  under: RegExp[];
  callers: RegExp[];
  /** Seconds since the profile's start; samples outside every window are left out. */
  windows: [number, number][];
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    file: "",
    ops: undefined,
    top: 40,
    under: [],
    callers: [],
    windows: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === "--ops") options.ops = Number(value());
    else if (arg === "--top") options.top = Number(value());
    else if (arg === "--under") options.under.push(new RegExp(value()));
    else if (arg === "--callers") options.callers.push(new RegExp(value()));
    else if (arg === "--window") {
      const [from, to] = value().split("-").map(Number);
      options.windows.push([from ?? 0, to ?? Number.POSITIVE_INFINITY]);
    } else options.file = arg;
  }
  if (!options.file)
    throw new Error(
      "usage: profile-summary.ts FILE.cpuprofile [--ops N] [--top N] [--under REGEX]",
    );
  return options;
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const profile = JSON.parse(readFileSync(options.file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);

  // Sample i lasts until sample i+1 (V8's timeDeltas[i+1]); the last one gets the mean.
  const selfUs = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  const inWindow = (us: number) =>
    options.windows.length === 0 ||
    options.windows.some(([from, to]) => us >= from * 1e6 && us < to * 1e6);
  let at = 0;
  for (let i = 0; i < samples.length; i++) {
    at += timeDeltas[i] ?? 0;
    if (!inWindow(at)) continue;
    const id = samples[i] as number;
    const duration = timeDeltas[i + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + duration);
  }

  const chargedArea = new Map<number, string>();
  const charged = (id: number): string => {
    const known = chargedArea.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id) as ProfileNode;
    const own = areaOf(node.callFrame);
    let result = own;
    if (!isOwnCode(own) && !special.has(own)) {
      const up = parent.get(id);
      result = up === undefined ? own : charged(up);
      if (special.has(result)) result = own;
    }
    chargedArea.set(id, result);
    return result;
  };

  const add = (map: Map<string, number>, key: string, us: number) =>
    map.set(key, (map.get(key) ?? 0) + us);
  const areaSelf = new Map<string, number>();
  const areaCharged = new Map<string, number>();
  const functionSelf = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id) as ProfileNode;
    const area = areaOf(node.callFrame);
    add(areaSelf, area, us);
    if (area === "(idle)") continue;
    busy += us;
    add(areaCharged, charged(id), us);
    add(functionSelf, `${label(node.callFrame)}  [${area}]`, us);
  }

  // Inclusive time under the first frame (from the root) whose function name matches.
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    if (areaOf((byId.get(id) as ProfileNode).callFrame) === "(idle)") continue;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = (byId.get(at) as ProfileNode).callFrame;
      for (const pattern of options.under) {
        if (!pattern.test(frame.functionName) || seen.has(pattern.source)) continue;
        seen.add(pattern.source);
        add(inclusive, pattern.source, us);
      }
    }
  }

  // Inclusive time of functions matching --callers, split by their direct caller.
  const byCaller = new Map<string, Map<string, number>>();
  for (const [id, us] of selfUs) {
    if (areaOf((byId.get(id) as ProfileNode).callFrame) === "(idle)") continue;
    for (const pattern of options.callers) {
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const frame = (byId.get(at) as ProfileNode).callFrame;
        if (!pattern.test(frame.functionName)) continue;
        const up = parent.get(at);
        const caller = up === undefined ? "(none)" : label((byId.get(up) as ProfileNode).callFrame);
        const callers = byCaller.get(pattern.source) ?? new Map<string, number>();
        byCaller.set(pattern.source, add(callers, caller, us));
        break;
      }
    }
  }

  const per = (us: number) =>
    options.ops ? `${(us / options.ops).toFixed(1).padStart(8)} µs/op` : "";
  const row = (name: string, us: number) =>
    `${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / busy).toFixed(1).padStart(5)}% ${per(us)}  ${name}`;
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);

  console.log(
    `busy (not idle): ${(busy / 1000).toFixed(1)} ms${options.ops ? `, ${per(busy)}` : ""}`,
  );
  console.log("\nself time by area:");
  for (const [name, us] of sorted(areaSelf)) if (name !== "(idle)") console.log(row(name, us));
  console.log("\nself time charged to the nearest app or package caller:");
  for (const [name, us] of sorted(areaCharged)) console.log(row(name, us));
  console.log(`\nself time by function (top ${options.top}):`);
  for (const [name, us] of sorted(functionSelf).slice(0, options.top)) console.log(row(name, us));
  if (options.under.length) {
    console.log("\ninclusive time under functions named:");
    for (const pattern of options.under)
      console.log(row(pattern.source, inclusive.get(pattern.source) ?? 0));
  }
  for (const [pattern, callers] of byCaller) {
    console.log(`\ninclusive time under ${pattern}, by caller:`);
    for (const [name, us] of sorted(callers).slice(0, options.top)) console.log(row(name, us));
  }
}

main();
