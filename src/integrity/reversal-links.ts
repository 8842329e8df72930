import type { ClientSession, Document } from "mongodb";
import { z } from "zod";
import type { LedgerRepository } from "../ledger/ledger-repository.js";
import type { BreakList } from "./chain-walk.js";

const linkedSchema = z.object({
  _id: z.unknown(),
  seq: z.number().optional(),
  at: z.date().optional(),
  kind: z.string(),
  amount: z.number(),
  reverses: z.unknown().optional(),
  reversedBy: z.unknown().optional(),
});

interface Linked {
  id: string;
  seq: number | null;
  at: Date | null;
  field: string;
  amount: number;
  reverses?: string;
  reversedBy?: string;
}

function linkedOf(document: Document): Linked | null {
  if (!("reverses" in document) && !("reversedBy" in document)) return null;
  const parsed = linkedSchema.safeParse(document);
  if (!parsed.success) return null;
  const { _id, seq, at, kind, amount, reverses, reversedBy } = parsed.data;
  return {
    id: String(_id),
    seq: seq ?? null,
    at: at ?? null,
    field: kind.split(".")[0] ?? kind,
    amount,
    ...(reverses === undefined ? {} : { reverses: String(reverses) }),
    ...(reversedBy === undefined ? {} : { reversedBy: String(reversedBy) }),
  };
}

const named = (entry: Linked) =>
  `entry ${entry.id}${entry.seq === null ? "" : ` (seq ${entry.seq})`}`;

/** What is wrong with a reversal's link to the entry it names, or null when it holds. */
function reversalProblem(
  reversal: Linked,
  originalId: string,
  original: Linked | "unlinked" | undefined,
): string | null {
  if (original === undefined)
    return `reverses entry ${originalId}, which is not one of this customer's entries`;
  if (original === "unlinked" || original.reversedBy !== reversal.id) {
    const back = original === "unlinked" ? undefined : original.reversedBy;
    return `reverses entry ${originalId}, but that entry's reversedBy is ${back ?? "absent"}`;
  }
  if (original.field !== reversal.field || original.amount !== -reversal.amount)
    return `(${reversal.field} ${reversal.amount}) is not the opposite of ${named(original)} (${original.field} ${original.amount})`;
  return null;
}

/**
 * The reversal links of one customer's ledger, checked both ways: each `reverses` names an entry of
 * the same customer whose `reversedBy` names it back, with the opposite amount of the same value,
 * and each `reversedBy` names an entry that `reverses` it. `reversedBy` is set after its entry was
 * chained, so it is outside the entry's hash: these links are what vouch for it. Only entries with
 * a link are kept (two per reversal), so memory grows with reversals, not with the ledger.
 */
export class ReversalLinks {
  private readonly linked = new Map<string, Linked>();

  /** `documents`, passed through as they are, noting each entry that holds a link. */
  async *observe<T extends Document>(documents: AsyncIterable<T>): AsyncGenerator<T> {
    for await (const document of documents) {
      const linked = linkedOf(document);
      if (linked) this.linked.set(linked.id, linked);
      yield document;
    }
  }

  /**
   * Adds a break for each link that does not hold; entries a link names that the walk did not meet
   * (written before chaining) are read by ID, within the customer.
   */
  async check(
    customerId: string,
    ledger: Pick<LedgerRepository, "entriesOf">,
    breaks: BreakList,
    session?: ClientSession,
  ): Promise<void> {
    const seen = [...this.linked.values()];
    const ends = seen.flatMap((entry) => [entry.reverses, entry.reversedBy]);
    const unmet = [...new Set(ends)].filter(
      (id): id is string => id !== undefined && !this.linked.has(id),
    );
    const others = new Map<string, Linked | "unlinked">();
    for (const document of await ledger.entriesOf(customerId, unmet, session))
      others.set(String(document._id), linkedOf(document) ?? "unlinked");
    const find = (id: string) => this.linked.get(id) ?? others.get(id);
    for (const entry of seen) {
      if (entry.reverses !== undefined) this.checkReversal(entry, entry.reverses, find, breaks);
      if (entry.reversedBy !== undefined) this.checkReversed(entry, entry.reversedBy, find, breaks);
    }
  }

  private checkReversal(
    reversal: Linked,
    originalId: string,
    find: (id: string) => Linked | "unlinked" | undefined,
    breaks: BreakList,
  ): void {
    const problem = reversalProblem(reversal, originalId, find(originalId));
    if (problem)
      breaks.add({
        seq: reversal.seq,
        id: reversal.id,
        at: reversal.at,
        what: `reversal link broken: ${named(reversal)} ${problem}`,
      });
  }

  private checkReversed(
    original: Linked,
    reversalId: string,
    find: (id: string) => Linked | "unlinked" | undefined,
    breaks: BreakList,
  ): void {
    const reversal = find(reversalId);
    if (reversal !== undefined && reversal !== "unlinked" && reversal.reverses === original.id)
      return;
    breaks.add({
      seq: original.seq,
      id: original.id,
      at: original.at,
      what:
        reversal === undefined
          ? `reversal link broken: ${named(original)} says it was reversed by entry ${reversalId}, which is not one of this customer's entries`
          : `reversal link broken: ${named(original)} says it was reversed by entry ${reversalId}, but that entry does not reverse it`,
    });
  }
}
