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
  onProgress: (progress: { done: number; total: number }) => void = () => {},
): Promise<AuditVerification> {
  const head = await audit.chainHead();
  const total = head?.seq ?? 0;
  const breaks = new BreakList(limit);
  const walk = await walkChain(
    counted(audit.chainUpTo(total), (done) => onProgress({ done, total })),
    head,
    "event",
    breaks,
  );
  return { chained: walk.links, breaks: breaks.shown, totalBreaks: breaks.total };
}

/** `documents`, telling `onCount` how many have gone by every 1,000. */
async function* counted<T>(
  documents: AsyncIterable<T>,
  onCount: (done: number) => void,
): AsyncGenerator<T> {
  let done = 0;
  for await (const document of documents) {
    yield document;
    done += 1;
    if (done % 1000 === 0) onCount(done);
  }
}
