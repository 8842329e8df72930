import { z } from "zod";
import { type ChainHead, chainHash, genesisHash } from "../hash-chain/chain.js";

/** One place a chain or its sums break: which link (when it is one), and what is wrong. */
export interface ChainBreak {
  seq: number | null;
  /** The stored document's `_id` (24 hex), when the break is at one. */
  id: string | null;
  at: Date | null;
  what: string;
}

/** The breaks found, the first `limit` of them kept (memory stays flat however broken a chain is). */
export class BreakList {
  readonly shown: ChainBreak[] = [];
  total = 0;

  constructor(private readonly limit: number) {}

  add(found: ChainBreak): void {
    this.total += 1;
    if (this.shown.length < this.limit) this.shown.push(found);
  }
}

const linkSchema = z.object({
  seq: z.number().int().positive(),
  prevHash: z.string(),
  hash: z.string(),
});
const placeSchema = z.object({ _id: z.unknown().optional(), at: z.date().optional() });

type PendingOrder = Omit<ChainBreak, "what"> & { seq: number; writtenAs: number };

/** What a chain walk saw: how many links, and the last one. */
export interface ChainWalk {
  links: number;
  last: ChainHead | null;
}

function placeOf(document: Record<string, unknown>, seq: number | null): Omit<ChainBreak, "what"> {
  const { _id, at } = placeSchema.parse(document);
  return { seq, id: _id === undefined ? null : String(_id), at: at ?? null };
}

const entries = (count: number, noun: string) => (count === 1 ? noun : `${noun}s`);

/**
 * Walks a chain's documents in seq order (as stored: every field), recomputing each hash and
 * checking each link, the seq's run from 1 without gaps or repeats, and the end against `head`;
 * each break goes to `breaks`, named by seq, `_id` and time. An entry whose stored seq was moved by
 * one (two swapped) is told apart from one whose content changed by recomputing it at its
 * neighbours' seq. `noun` is what a link is called ("entry", "event"); `unhashed` names the fields
 * the chain's hash leaves out (see `chainHash`).
 */
export async function walkChain(
  documents: AsyncIterable<Record<string, unknown>>,
  head: ChainHead | null,
  noun: string,
  breaks: BreakList,
  unhashed: readonly string[] = [],
): Promise<ChainWalk> {
  let links = 0;
  let previous: { seq: number; hash: string; reordered: boolean } | null = null;
  /** An entry found at its neighbour's seq, held until the next entry says whether the two swapped. */
  const order: { pending: PendingOrder | null } = { pending: null };
  const flushOrder = () => {
    if (order.pending) {
      const { writtenAs, ...place } = order.pending;
      breaks.add({ ...place, what: `order: this ${noun} was written as seq ${writtenAs}` });
    }
    order.pending = null;
  };
  for await (const document of documents) {
    links += 1;
    const parsed = linkSchema.safeParse(document);
    if (!parsed.success) {
      flushOrder();
      breaks.add({
        ...placeOf(document, null),
        what: `not a chain link: its seq, prevHash or hash is missing or malformed`,
      });
      continue;
    }
    const { seq, prevHash, hash } = parsed.data;
    const place = placeOf(document, seq);
    const expectedSeq: number = (previous?.seq ?? 0) + 1;
    if (previous && seq === previous.seq) {
      flushOrder();
      breaks.add({ ...place, what: `seq ${seq} appears twice` });
      continue;
    }
    const gap = seq !== expectedSeq;
    if (gap) {
      flushOrder();
      const missing = seq - expectedSeq;
      breaks.add({
        ...place,
        what: previous
          ? `missing ${entries(missing, noun)} between seq ${previous.seq} and ${seq}`
          : `missing ${entries(missing, noun)} before seq ${seq} (the chain starts at seq 1)`,
      });
    }
    let reordered = false;
    if (chainHash(document, unhashed) !== hash) {
      const writtenAs: number | undefined = [seq - 1, seq + 1].find(
        (other) => other > 0 && chainHash({ ...document, seq: other }, unhashed) === hash,
      );
      if (writtenAs === undefined) {
        flushOrder();
        breaks.add({ ...place, what: `hash mismatch — the stored ${noun} was changed` });
      } else {
        reordered = true;
        const swapped = order.pending;
        if (swapped && swapped.writtenAs === seq && writtenAs === swapped.seq) {
          const { writtenAs: _, ...place } = swapped;
          breaks.add({
            ...place,
            what: `order: seq ${swapped.seq} and seq ${seq} are swapped (each holds the other's ${noun})`,
          });
          order.pending = null;
        } else {
          flushOrder();
          order.pending = { ...place, seq, writtenAs };
        }
      }
    } else {
      flushOrder();
      const linked = previous ? previous.hash : genesisHash;
      if (!gap && !previous?.reordered && prevHash !== linked)
        breaks.add({
          ...place,
          what: previous
            ? `link broken: prevHash is not the hash of seq ${previous.seq} — seq ${previous.seq} was rewritten (its hash recomputed) or replaced`
            : "link broken: the first link's prevHash is not the genesis hash (64 zeros)",
        });
    }
    previous = { seq, hash, reordered };
  }
  flushOrder();
  checkHead(previous, head, noun, breaks);
  return { links, last: previous ? { seq: previous.seq, hash: previous.hash } : null };
}

function checkHead(
  last: ChainHead | null,
  head: ChainHead | null,
  noun: string,
  breaks: BreakList,
): void {
  const at = (seq: number | null) => ({ seq, id: null, at: null });
  if (!head) {
    if (last)
      breaks.add({
        ...at(last.seq),
        what: `chained ${noun}s are stored (up to seq ${last.seq}) but the chain's head is missing`,
      });
    return;
  }
  if (!last) {
    breaks.add({
      ...at(head.seq),
      what: `the chain's head says seq ${head.seq}, but no chained ${noun} is stored`,
    });
    return;
  }
  if (last.seq < head.seq) {
    const missing = head.seq - last.seq;
    breaks.add({
      ...at(head.seq),
      what: `missing ${entries(missing, noun)} after seq ${last.seq} (the chain's head says seq ${head.seq})`,
    });
  } else if (last.seq > head.seq)
    breaks.add({
      ...at(last.seq),
      what: `seq ${last.seq} is beyond the chain's head (seq ${head.seq}): written outside the chain's protocol`,
    });
  else if (last.hash !== head.hash)
    breaks.add({
      ...at(head.seq),
      what: `the chain's head hash is not seq ${head.seq}'s hash — the last ${noun} was rewritten (its hash recomputed)`,
    });
}
