import type { AuditRepository } from "../audit/audit-repository.js";
import { BreakList, type ChainBreak, walkChain } from "./chain-walk.js";

/** What verifying the audit chain found. */
export interface AuditVerification {
  /** Events in the chain up to its head when the check began. */
  chained: number;
  breaks: ChainBreak[];
  totalBreaks: number;
}

/**
 * Verifies the one audit chain up to its head as read when the check begins (events recorded
 * meanwhile come after it and are left for the next check): every hash recomputed, every link, the
 * seq run and the head. Events are streamed in seq order through the chain index: memory stays flat
 * and no transaction has to outlive a long trail. Events recorded before chaining carry no seq and
 * are not part of it.
 */
export async function verifyAuditChain(
  audit: AuditRepository,
  limit: number,
): Promise<AuditVerification> {
  const head = await audit.chainHead();
  const breaks = new BreakList(limit);
  const walk = await walkChain(audit.chainUpTo(head?.seq ?? 0), head, "event", breaks);
  return { chained: walk.links, breaks: breaks.shown, totalBreaks: breaks.total };
}
