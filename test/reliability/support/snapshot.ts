import { BSON, type Db, type Document } from "mongodb";
import { collections } from "../../../src/db/collections.js";
import { isBookkeepingOnly, withoutDeliveryBookkeeping } from "../../support/outbox-bookkeeping.js";

/**
 * Every document of every collection of a database, to prove that an attempt changed nothing.
 * Documents are keyed by `_id` and compared as canonical Extended JSON, so a changed field, a removed
 * document and an added one are all seen.
 */
export type DatabaseSnapshot = Map<string, Map<string, { text: string; document: Document }>>;

const canonical = (value: unknown) => BSON.EJSON.stringify(value, { relaxed: false });

export async function snapshotDatabase(db: Db): Promise<DatabaseSnapshot> {
  const infos = await db.listCollections({}, { nameOnly: true }).toArray();
  const names = infos
    .map((info) => info.name)
    .filter((name) => !name.startsWith("system.") && !isBookkeepingOnly(name));
  const contents = await Promise.all(
    names.map(
      async (name) =>
        [
          name,
          (await db.collection(name).find({}).toArray()).map((document) =>
            withoutDeliveryBookkeeping(name, document),
          ),
        ] as const,
    ),
  );
  const snapshot: DatabaseSnapshot = new Map();
  for (const [name, documents] of contents) {
    const byId = new Map<string, { text: string; document: Document }>();
    for (const document of documents)
      byId.set(canonical(document._id), { text: canonical(document), document });
    snapshot.set(name, byId);
  }
  return snapshot;
}

/** Per collection, which added documents are a legitimate record of an attempt (everything else must not change). */
export type AllowedAdditions = Record<string, (document: Document) => boolean>;

/** The two collections that may record a refused attempt: refusals in the audit trail, and delivery/idempotency keys. */
export const refusalsAndKeysOnly: AllowedAdditions = {
  [collections.auditEvents]: (document) => document.outcome === "refused",
  [collections.idempotencyKeys]: () => true,
};

function describe(document: Document): string {
  const text = canonical(document);
  return text.length > 240 ? `${text.slice(0, 240)}…` : text;
}

/**
 * The audit chain's head (`chain_heads` `audit`) moves with every audit event recorded: it may move
 * by exactly as many links as audit events were added, and in no other way.
 */
function auditHeadMovedWithTheTrail(before: DatabaseSnapshot, after: DatabaseSnapshot): boolean {
  const seqOf = (snapshot: DatabaseSnapshot) =>
    Number(snapshot.get(collections.chainHeads)?.get(canonical("audit"))?.document.seq ?? 0);
  const added = [...(after.get(collections.auditEvents)?.keys() ?? [])].filter(
    (id) => !before.get(collections.auditEvents)?.has(id),
  ).length;
  return seqOf(after) - seqOf(before) === added;
}

/** What changed between two snapshots, one line per difference, ignoring the allowed additions. */
export function snapshotChanges(
  before: DatabaseSnapshot,
  after: DatabaseSnapshot,
  allowed: AllowedAdditions = refusalsAndKeysOnly,
): string[] {
  const changes: string[] = [];
  const names = new Set([...before.keys(), ...after.keys()]);
  if (auditHeadMovedWithTheTrail(before, after)) names.delete(collections.chainHeads);
  for (const name of names) {
    const old = before.get(name) ?? new Map();
    const now = after.get(name) ?? new Map();
    for (const [id, entry] of old) {
      const current = now.get(id);
      if (!current) changes.push(`${name}: removed ${describe(entry.document)}`);
      else if (current.text !== entry.text)
        changes.push(
          `${name}: changed ${describe(entry.document)} → ${describe(current.document)}`,
        );
    }
    for (const [id, entry] of now) {
      if (old.has(id)) continue;
      if (allowed[name]?.(entry.document)) continue;
      changes.push(`${name}: added ${describe(entry.document)}`);
    }
  }
  return changes;
}

/** The documents added to one collection between two snapshots. */
export function addedDocuments(
  before: DatabaseSnapshot,
  after: DatabaseSnapshot,
  name: string,
): Document[] {
  const old = before.get(name) ?? new Map();
  return [...(after.get(name) ?? new Map()).entries()]
    .filter(([id]) => !old.has(id))
    .map(([, entry]) => entry.document);
}
