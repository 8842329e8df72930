/**
 * Tools for showing that a transaction callback keeps every read and write in its transaction: a
 * fail point that fires once (a commit made to fail, a command held back), the transactions a
 * client left open, and every document of a database before and after.
 */
import type { Db, Document, MongoClient } from "mongodb";
import { collections } from "../../../src/db/collections.js";
import type { FailCommand, FailPoints } from "./fail-points.js";

/**
 * A `{ times: 1 }` fail point of the test's own app that is turned off afterwards only when it has
 * not fired (firing turns it off by itself): the server has one fail point, so an `off` sent while it
 * is no longer ours would clear a fail point another test file has set meanwhile.
 */
export interface OneShotFailPoint {
  arm(data: FailCommand): Promise<void>;
  /** Tells that it fired (the test saw its effect). */
  fired(): void;
  /** In `afterEach`: turns it off if it was armed and never fired. */
  disarm(): Promise<void>;
}

export function oneShotFailPoint(failPoints: FailPoints): OneShotFailPoint {
  let armed = false;
  return {
    async arm(data) {
      await failPoints.set({ times: 1 }, data);
      armed = true;
    },
    fired() {
      armed = false;
    },
    async disarm() {
      if (!armed) return;
      armed = false;
      await failPoints.off();
    },
  };
}

/**
 * The sessions `client` ran transactions on (it needs `monitorCommands: true`). A commit failed by a
 * fail point leaves its transaction open on the server, as on mongod (the driver may not abort after
 * a commit), holding its documents for `transactionLifetimeLimitSeconds`; ending the session aborts it.
 */
export function transactionSessions(client: MongoClient): { endAll(): Promise<void> } {
  const sessions = new Map<string, Document>();
  client.on("commandStarted", ({ command }) => {
    if (command.autocommit === false && command.lsid)
      sessions.set(command.lsid.id.toString("hex"), command.lsid);
  });
  return {
    async endAll() {
      if (sessions.size === 0) return;
      const lsids = [...sessions.values()];
      sessions.clear();
      await client.db("admin").command({ endSessions: lsids });
    },
  };
}

/**
 * Collections the app writes by itself in the background (the user group refresher's members and
 * lease), whatever a request does: "nothing changed" checks leave them out.
 */
export const backgroundCollections: ReadonlySet<string> = new Set([
  collections.usergroupMembers,
  collections.leases,
]);

/** Every committed document of every collection but the background ones, as sorted canonical JSON per collection. */
export async function everyDocument(db: Db): Promise<Record<string, string[]>> {
  const snapshot: Record<string, string[]> = {};
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    if (backgroundCollections.has(name)) continue;
    const documents = await db.collection(name).find({}).toArray();
    snapshot[name] = documents.map((document) => JSON.stringify(document)).sort();
  }
  return snapshot;
}

/** Per collection, the documents only `before` has (gone or changed) and those only `after` has. */
export function differences(
  before: Record<string, string[]>,
  after: Record<string, string[]>,
): Record<string, { gone: string[]; added: string[] }> {
  const changed: Record<string, { gone: string[]; added: string[] }> = {};
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const was = before[name] ?? [];
    const is = after[name] ?? [];
    const gone = was.filter((document) => !is.includes(document));
    const added = is.filter((document) => !was.includes(document));
    if (gone.length > 0 || added.length > 0) changed[name] = { gone, added };
  }
  return changed;
}

/**
 * `work`, or a rejection naming `what` once `ms` have passed — so that a write made outside a
 * transaction, which waits for that same transaction to end, fails the test at once and says so.
 */
export async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `${what} was still running after ${ms} ms (a write outside its transaction waiting for that transaction?)`,
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
