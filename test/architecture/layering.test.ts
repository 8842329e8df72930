/**
 * The layering the README draws, checked on the source: Slack side → services → repositories →
 * MongoDB (test/db/collection-owners.test.ts checks the repositories' end of it). A newcomer who
 * adds an import that breaks it is told here, with the file and the import.
 */
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { sourceFiles } from "../support/source-files.js";

const srcRoot = resolve(import.meta.dirname, "../../src");

/** Folders of the Slack side: they may use everything below them. */
const slackSide = new Set(["app", "listeners", "blocks", "notifications"]);
/** Entry points and operator tools: they wire everything together. */
const entryPoints = new Set(["main.ts", "cli"]);

interface Import {
  from: string;
  target: string;
  typeOnly: boolean;
  specifiers: string;
}

const importPattern = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*["']([^"']+)["']/gm;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, "utf8");
  const found: Import[] = [];
  for (const match of text.matchAll(importPattern)) {
    const [, , typeKeyword, specifiers = "", target = ""] = match;
    const names = specifiers
      .replace(/[{}]/g, "")
      .split(",")
      .map((name) => name.trim());
    const typeOnly =
      typeKeyword !== undefined || names.filter(Boolean).every((name) => name.startsWith("type "));
    found.push({ from: relative(srcRoot, file), target, typeOnly, specifiers });
  }
  return found;
}

/** The top-level folder (or file) of src/ a path belongs to. */
function topOf(path: string): string {
  return path.split("/")[0] ?? path;
}

function resolvedTop(imp: Import): string | undefined {
  if (!imp.target.startsWith(".")) return undefined;
  const absolute = resolve(dirname(join(srcRoot, imp.from)), imp.target);
  return topOf(relative(srcRoot, absolute));
}

const files = await sourceFiles(srcRoot);
const allImports = files.flatMap(importsOf);

const isDomain = (path: string) => !slackSide.has(topOf(path)) && !entryPoints.has(topOf(path));

describe("layering: Slack side → services → repositories → MongoDB", () => {
  it("keeps Slack out of the domain: no domain module imports the Slack side or @slack/*", () => {
    const offenders = allImports
      .filter((imp) => isDomain(imp.from))
      .filter((imp) => imp.target.startsWith("@slack/") || slackSide.has(resolvedTop(imp) ?? ""))
      .map((imp) => `${imp.from} imports ${imp.target}`);
    expect(offenders).toEqual([]);
  });

  it("keeps Slack markup out of domain messages: mentions, links and emoji are the Slack side's", () => {
    const markup = /<[@#!]|:[a-z_]+:\s/;
    const offenders = files
      .map((file) => relative(srcRoot, file))
      .filter((path) => isDomain(path) && markup.test(readFileSync(join(srcRoot, path), "utf8")));
    expect(offenders).toEqual([]);
  });

  it("has no import cycles between folders", () => {
    const edges = new Map<string, Set<string>>();
    for (const imp of allImports) {
      const from = topOf(imp.from);
      const to = resolvedTop(imp);
      if (!to || to === from || to.endsWith(".ts")) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)?.add(to);
    }
    expect(foldersInCycles(edges)).toEqual([]);
  });
});

/** The groups of folders that import each other, directly or around a loop (Tarjan's SCCs). */
function foldersInCycles(edges: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const connect = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (stack.includes(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      group.push(member);
      if (member === node) break;
    }
    if (group.length > 1) groups.push(group.sort());
  };
  for (const node of edges.keys()) if (!index.has(node)) connect(node);
  return groups;
}
