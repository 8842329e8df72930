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

/** Collections that hold nothing but the poster's bookkeeping (lane leases and pauses). */
export function isBookkeepingOnly(name: string): boolean {
  return name === collections.outboxLanes;
}
