import type { Writable } from "node:stream";
import { type OnRecords, writeRecords } from "../files/records-file.js";
import type { AuditRepository } from "./audit-repository.js";

export const auditColumns = [
  "at",
  "actorId",
  "actorRole",
  "action",
  "outcome",
  "customerId",
  "account",
  "approvalId",
  "inviteId",
  "before",
  "after",
  "detail",
  "requestId",
];

/**
 * The whole audit trail, oldest first, for compliance: JSON lines keep `before`/`after` as objects;
 * CSV carries them as JSON text in their cells. Dates are ISO 8601 (UTC). Never holds a secret.
 * Streaming like the customer export: 1,000 events a round trip, back-pressure from `output`.
 */
export function exportAudit(
  audit: AuditRepository,
  format: "csv" | "jsonl",
  output: Writable,
  onRecords?: OnRecords,
): Promise<number> {
  async function* records() {
    for await (const event of audit.all()) {
      const structured = format === "jsonl";
      yield {
        at: event.at.toISOString(),
        actorId: event.actorId,
        actorRole: event.actorRole,
        action: event.action,
        outcome: event.outcome,
        customerId: event.target?.customerId ?? null,
        account: event.target?.account ?? null,
        approvalId: event.target?.approvalId ?? null,
        inviteId: event.target?.inviteId ?? null,
        before: structured
          ? (event.before ?? null)
          : event.before
            ? JSON.stringify(event.before)
            : null,
        after: structured
          ? (event.after ?? null)
          : event.after
            ? JSON.stringify(event.after)
            : null,
        detail: event.detail ?? null,
        requestId: event.requestId ?? null,
      };
    }
  }
  return writeRecords(records(), auditColumns, format, output, onRecords);
}
