import type { LoggedQuery } from "./query-log.js";

export const listStart = "<!-- query-list:start (written by `QUERY_LIST=write npx vitest run`) -->";
export const listEnd = "<!-- query-list:end -->";

/** README text listing every query shape the app sent in the run, grouped by collection. */
export function queryListSection(queries: readonly LoggedQuery[]): string {
  const merged = new Map<string, LoggedQuery & { files: number }>();
  for (const query of queries) {
    const key = `${query.collection} ${query.shape}`;
    const earlier = merged.get(key);
    if (!earlier) merged.set(key, { ...query, sites: [...query.sites], files: 1 });
    else {
      earlier.commands += query.commands;
      earlier.files += 1;
      for (const site of query.sites) if (!earlier.sites.includes(site)) earlier.sites.push(site);
    }
  }
  const byCollection = new Map<string, (LoggedQuery & { files: number })[]>();
  for (const query of [...merged.values()].sort((a, b) => a.shape.localeCompare(b.shape))) {
    const list = byCollection.get(query.collection) ?? [];
    list.push(query);
    byCollection.set(query.collection, list);
  }
  const lines: string[] = [];
  for (const collection of [...byCollection.keys()].sort()) {
    lines.push("", `**\`${collection}\`**`, "");
    for (const query of byCollection.get(collection) ?? []) {
      const uses = query.verdict.ok
        ? `index \`${query.verdict.index}\``
        : `**no index** (${query.verdict.problem}) — allowed: ${query.allowed ?? "NOT ALLOWED"}`;
      const from = [...new Set(query.sites.map((site) => site.replace(/ \(.*\)$/, "")))]
        .sort()
        .join(", ");
      lines.push(`- \`${query.shape}\` → ${uses}; from ${from}`);
    }
  }
  return `${listStart}\n${lines.join("\n")}\n\n${listEnd}`;
}

/** `readme` with its list of queries replaced by `section` (appended when it has none yet). */
export function withQueryList(readme: string, section: string): string {
  const start = readme.indexOf(listStart);
  const end = readme.indexOf(listEnd);
  if (start === -1 || end === -1) return `${readme.trimEnd()}\n\n${section}\n`;
  return `${readme.slice(0, start)}${section}${readme.slice(end + listEnd.length)}`;
}
