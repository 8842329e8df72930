import { createHash } from "node:crypto";
import { canonicalFields } from "./canonical.js";

/** The `prevHash` of a chain's first link: 64 zeros. */
export const genesisHash = "0".repeat(64);

/** Where a chain ends: its last link's `seq` and `hash` (kept on the head document). */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** What each chained document carries: its place in the chain and the hashes that tie it there. */
export interface ChainLink {
  seq: number;
  prevHash: string;
  hash: string;
}

/**
 * `sha256_hex(prevHash + "\n" + canonical(document without _id and hash))`; `document` holds every
 * other stored field, `seq` and `prevHash` included, except the `unhashed` ones (fields a chain
 * sets on a link after it was written, such as a ledger entry's `reversedBy`).
 */
export function chainHash(
  document: Readonly<Record<string, unknown>>,
  unhashed: readonly string[] = [],
): string {
  const fields = Object.keys(document).filter(
    (field) => field !== "_id" && field !== "hash" && !unhashed.includes(field),
  );
  return createHash("sha256")
    .update(`${String(document.prevHash)}\n${canonicalFields(document, fields)}`, "utf8")
    .digest("hex");
}

/**
 * `fields` as the next link after `head` (null: the chain is empty), with `seq`, `prevHash` and
 * `hash`; fields whose value is undefined are dropped, so what is stored is exactly what was hashed.
 */
export function linkAfter<T extends object>(head: ChainHead | null, fields: T): T & ChainLink {
  const link: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields)) if (value !== undefined) link[field] = value;
  link.seq = (head?.seq ?? 0) + 1;
  link.prevHash = head?.hash ?? genesisHash;
  link.hash = chainHash(link);
  return link as T & ChainLink;
}

/** `list` chained in order after `head`, and the chain's new head. */
export function linkAll<T extends object>(
  head: ChainHead | null,
  list: readonly T[],
): { linked: (T & ChainLink)[]; head: ChainHead | null } {
  const linked: (T & ChainLink)[] = [];
  let last = head;
  for (const fields of list) {
    const link = linkAfter(last, fields);
    linked.push(link);
    last = { seq: link.seq, hash: link.hash };
  }
  return { linked, head: last };
}
