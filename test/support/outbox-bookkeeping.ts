import type { Document } from "mongodb";
import { collections } from "../../src/db/collections.js";

/**
 * The poster's own bookkeeping, which changes whenever an earlier change's message is delivered:
 * which instance holds which lane, and each outbox entry's delivery state. What an attempt *owes*
 * (an outbox entry being there at all) is still compared.
 */
const deliveryBookkeeping = new Set([
  "state",
  "attempts",
  "sendingSince",
  "batch",
  "deliveredAt",
  "message",
  "lastError",
  "failedAt",
]);

export function withoutDeliveryBookkeeping(name: string, document: Document): Document {
  if (name !== collections.outbox) return document;
  return Object.fromEntries(
    Object.entries(document).filter(([key]) => !deliveryBookkeeping.has(key)),
  );
}

/**
 * Collections the app writes by itself in the background, whatever a request does: the outbox
 * poster's lane leases and pauses, the user group refresher's members and lease. "Nothing changed"
 * checks leave them out.
 */
const backgroundCollections: ReadonlySet<string> = new Set([
  collections.usergroupMembers,
  collections.leases,
]);

export function isBookkeepingOnly(name: string): boolean {
  return backgroundCollections.has(name);
}
