import { type CommandStartedEvent, MongoClient } from "mongodb";
import { indexSpecs } from "../../../src/db/indexes.js";
import { allowanceFor } from "./allowed-queries.js";
import { type CallSite, currentCallSite, currentStack } from "./call-site.js";
import { checkShape, type Verdict } from "./index-rules.js";
import { checkedCommands, type QueryShape, queryShapes, shapeText } from "./query-shape.js";

/** Every command of one shape sent on one collection in one test file, with its verdict. */
export interface RecordedQuery {
  readonly collection: string;
  readonly shape: string;
  readonly kind: QueryShape["kind"];
  readonly verdict: Verdict;
  /** Counts every match (countDocuments without a limit): a plan cannot show that, the rules can. */
  readonly counts: boolean;
  /** Commands whose call site was read: from src/ (or unknown) … */
  app: number;
  /** … and from test code (setup and assertions using the app's client), which are excluded. */
  test: number;
  /** Commands whose call site was not read (see `needsCallSite`): counted as the app's once it sent one. */
  unattributed: number;
  /** The first few distinct call sites in src/. */
  readonly sites: string[];
  /** For an offending query: the stack of its first command from each call site. */
  readonly stacks: string[];
  /** The first command of this shape (find and aggregate), for `explain` on a real MongoDB. */
  sample?: Record<string, unknown>;
  /** When `explain` decided the verdict: what the rules had said. */
  rulesVerdict?: Verdict;
}

const maxSites = 3;
/**
 * Reading a call site costs ~0.1 ms (V8 rebuilds the async stack), a tenth of a wire round trip,
 * so not every command's is read. A passing shape: its first 20 commands per file, or 5 once one
 * came from the app. An offending shape: every command — except that once 50 have come only from
 * test code (a test polling the outbox), 1 in 10. A formatted, source-mapped stack (~ms) is taken
 * only for an offending query no allow-list entry covers, once per call site.
 */
const attributedPerFile = 20;
const attributedOnceFromApp = 5;
const testOnlyBeforeSampling = 50;
const testOnlySampling = 10;
const systemDatabases = new Set(["admin", "config", "local"]);
const verdicts = new Map<string, Verdict>();
let recorded = new Map<string, RecordedQuery>();
const watched = new WeakSet<MongoClient>();
let recordingMs = 0;

function verdictFor(key: string, shape: QueryShape): Verdict {
  let verdict = verdicts.get(key);
  if (!verdict) {
    verdict = checkShape(shape, indexSpecs[shape.collection] ?? []);
    verdicts.set(key, verdict);
  }
  return verdict;
}

function needsCallSite(query: RecordedQuery): boolean {
  const attributed = query.app + query.test;
  if (query.verdict.ok)
    return attributed < (query.app > 0 ? attributedOnceFromApp : attributedPerFile);
  if (query.app > 0 || query.test < testOnlyBeforeSampling) return true;
  return (query.test + query.unattributed) % testOnlySampling === 0;
}

function recordShape(shape: QueryShape, event: CommandStartedEvent, site: () => CallSite): void {
  const text = shapeText(shape);
  const key = `${shape.collection} ${text}`;
  let query = recorded.get(key);
  if (!query) {
    query = {
      collection: shape.collection,
      shape: text,
      kind: shape.kind,
      verdict: verdictFor(key, shape),
      counts: shape.counts && !shape.limit,
      app: 0,
      test: 0,
      unattributed: 0,
      sites: [],
      stacks: [],
    };
    recorded.set(key, query);
  }
  if (!needsCallSite(query)) {
    query.unattributed += 1;
    return;
  }
  const from = site();
  if (from.side === "test") {
    query.test += 1;
    return;
  }
  query.app += 1;
  if ((shape.kind === "find" || shape.kind === "aggregate") && !query.sample)
    query.sample = event.command;
  if (query.sites.length < maxSites && !query.sites.includes(from.text)) {
    query.sites.push(from.text);
    if (!query.verdict.ok && !allowanceFor(query)) query.stacks.push(currentStack());
  }
}

function record(event: CommandStartedEvent): void {
  if (!checkedCommands.has(event.commandName) || systemDatabases.has(event.databaseName)) return;
  const started = performance.now();
  let site: CallSite | undefined;
  const siteOnce = () => {
    site ??= currentCallSite();
    return site;
  };
  for (const shape of queryShapes(event.commandName, event.command))
    recordShape(shape, event, siteOnce);
  recordingMs += performance.now() - started;
}

/** Records the commands of `client` (it must have `monitorCommands`; the app's clients do). */
export function recordCommandsOf(client: MongoClient): void {
  if (watched.has(client)) return;
  watched.add(client);
  client.on("commandStarted", record);
}

let installed = false;

/**
 * Records every client that monitors commands, as it connects: the app's clients
 * (`connectDatabase` turns monitoring on) in every test file, whoever made them. Clients tests make
 * for themselves (`new MongoClient` for a control connection) do not monitor and are not recorded.
 */
export function recordEveryMonitoringClient(): void {
  if (installed) return;
  installed = true;
  const connect = MongoClient.prototype.connect;
  MongoClient.prototype.connect = function connectAndRecord(this: MongoClient) {
    if (this.options.monitorCommands) recordCommandsOf(this);
    return connect.call(this);
  };
}

/** The app's queries recorded since the last call (test-only shapes dropped), and what recording cost. */
export function takeRecorded(): {
  queries: RecordedQuery[];
  excludedTestCommands: number;
  recordingMs: number;
} {
  const all = [...recorded.values()];
  const taken = {
    queries: all.filter((query) => query.app > 0),
    excludedTestCommands: all.reduce((sum, query) => sum + query.test, 0),
    recordingMs,
  };
  recorded = new Map();
  recordingMs = 0;
  return taken;
}
