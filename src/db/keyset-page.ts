import { type Collection, type Document, type Filter, ObjectId } from "mongodb";

/** Where a page starts: an entry already shown, by its time and its ID (24 hex digits). */
export interface PageAnchor {
  at: Date;
  id: string;
}

/** Which page a Previous/Next asks for: the entries older or newer than `anchor`. */
export interface PageCursor extends PageAnchor {
  toward: "older" | "newer";
}

/** One page of documents newest first, with the anchors for the pages either side of it. */
export interface KeysetPage<T> {
  items: T[];
  /** The anchor of Previous (the newest shown) when newer items exist, else null. */
  newer: PageAnchor | null;
  /** The anchor of Next (the oldest shown) when older items exist, else null. */
  older: PageAnchor | null;
}

interface Keyed {
  _id: unknown;
  at: unknown;
}

function anchorOf(document: Keyed): PageAnchor | null {
  if (!(document._id instanceof ObjectId) || !(document.at instanceof Date)) return null;
  return { at: document.at, id: document._id.toHexString() };
}

function isAnchor(document: Keyed | undefined, anchor: PageAnchor): boolean {
  const found = document ? anchorOf(document) : null;
  return found?.id === anchor.id && found.at.getTime() === anchor.at.getTime();
}

/**
 * The part of a filter that selects what comes after `(time, id)` toward older or newer documents
 * in `(field, _id)` order — one index range on `…, field, _id` — with the anchor itself when
 * `withAnchor`.
 */
export function beyond(
  field: string,
  time: Date,
  id: unknown,
  toward: "older" | "newer",
  withAnchor: boolean,
): Document {
  const older = toward === "older";
  const idBound = older ? (withAnchor ? "$lte" : "$lt") : withAnchor ? "$gte" : "$gt";
  return {
    [field]: older ? { $lte: time } : { $gte: time },
    $or: [{ [field]: older ? { $lt: time } : { $gt: time } }, { _id: { [idBound]: id } }],
  };
}

/**
 * One page of `base`'s documents newest first by `(at, _id)`, through an index whose keys are
 * `base`'s equality fields then `at: -1, _id: -1`: it reads at most `limit + 2` documents, however
 * many come before. The cursor's anchor must be one of `base`'s own documents with that very `at`
 * (it is the first document the range returns): anything else is answered `null` (a forged or
 * damaged cursor), so a cursor can only lead to another page of what `base` allows.
 */
export async function keysetPage<D extends Document, T>(
  collection: Collection<D>,
  base: Filter<D>,
  cursor: PageCursor | null,
  limit: number,
  parse: (document: Document) => T,
): Promise<KeysetPage<T> | null> {
  if (!cursor) {
    const documents = await collection
      .find(base, { sort: { at: -1, _id: -1 }, limit: limit + 1 })
      .toArray();
    return pageOf(documents.slice(0, limit), parse, {
      newer: false,
      older: documents.length > limit,
    });
  }
  if (!ObjectId.isValid(cursor.id)) return null;
  const id = new ObjectId(cursor.id);
  const older = cursor.toward === "older";
  const range = {
    ...base,
    ...beyond("at", cursor.at, id, cursor.toward, true),
  } as unknown as Filter<D>;
  const documents = await collection
    .find(range, { sort: older ? { at: -1, _id: -1 } : { at: 1, _id: 1 }, limit: limit + 2 })
    .toArray();
  if (!isAnchor(documents[0] as Keyed | undefined, cursor)) return null;
  const shown = documents.slice(1, limit + 1);
  const more = documents.length > limit + 1;
  // Nothing older (only a forged cursor asks), or less than a page newer (Previous reached the
  // top): the newest page, as a first view shows it.
  if (older ? shown.length === 0 : !more && shown.length < limit)
    return keysetPage(collection, base, null, limit, parse);
  return older
    ? pageOf(shown, parse, { newer: true, older: more })
    : pageOf(shown.reverse(), parse, { newer: more, older: true });
}

function pageOf<T>(
  documents: Document[],
  parse: (document: Document) => T,
  has: { newer: boolean; older: boolean },
): KeysetPage<T> {
  const first = documents[0] as Keyed | undefined;
  const last = documents.at(-1) as Keyed | undefined;
  return {
    items: documents.map(parse),
    newer: has.newer && first ? anchorOf(first) : null,
    older: has.older && last ? anchorOf(last) : null,
  };
}
