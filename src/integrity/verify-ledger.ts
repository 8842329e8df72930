import type { Db, MongoClient } from "mongodb";
import { CustomerRepository } from "../customers/customer-repository.js";
import { inTransaction } from "../db/transaction.js";
import { countLedger } from "../ledger/ledger-day.js";
import { LedgerDayRepository } from "../ledger/ledger-day-repository.js";
import { ledgerUnhashedFields } from "../ledger/ledger-entry.js";
import { LedgerRepository } from "../ledger/ledger-repository.js";
import { type TotalsDifference, totalsDifferencesOf } from "../ledger/totals-differences.js";
import { type Currency, formatMoney } from "../money/currency.js";
import { BreakList, type ChainBreak, walkChain } from "./chain-walk.js";
import { ReversalLinks } from "./reversal-links.js";

/** What verifying one customer's ledger found. */
export interface LedgerVerification {
  customerId: string;
  /** Entries in the chain (seq ≥ 1). */
  chained: number;
  /** Entries written before chaining: no seq or hash, only their sums are checked. */
  unchained: number;
  balance: number;
  credits: number;
  /**
   * False when the customer's lifetime totals were never counted from the ledger (the console's
   * customers, or ones stored before totals existed): not a break — `npm run reindex` counts them.
   */
  totalsCounted: boolean;
  /** The first breaks found (at most the limit asked for)… */
  breaks: ChainBreak[];
  /** …of this many. */
  totalBreaks: number;
}

const sumsAt = { seq: null, id: null, at: null } as const;

/** A stored figure that disagrees with the ledger's sums, as one sentence. */
function describeDifference(
  difference: TotalsDifference & { stored: number },
  currency: Currency,
): string {
  const money = (value: number) => formatMoney(value, currency);
  return `${difference.what} ${money(difference.stored)} but the ledger sums to ${money(difference.ledger)}`;
}

const wasCounted = (
  difference: TotalsDifference,
): difference is TotalsDifference & { stored: number } => difference.stored !== null;

/**
 * Verifies customers' ledgers: each one's chain (every hash recomputed, every link, seq and the
 * head on the customer), and its sums against the stored balance, credits, lifetime totals and day
 * buckets — one customer in one snapshot, so a change made meanwhile is wholly in the check or not
 * at all. Entries are streamed through the customer's chain index: memory stays flat.
 */
export class LedgerVerifier {
  private readonly client: MongoClient;
  private readonly customers: CustomerRepository;
  private readonly ledger: LedgerRepository;
  private readonly days: LedgerDayRepository;

  constructor(
    db: Db,
    private readonly currency: Currency,
  ) {
    this.client = db.client;
    this.customers = new CustomerRepository(db);
    this.ledger = new LedgerRepository(db);
    this.days = new LedgerDayRepository(db);
  }

  /** One customer's verification, keeping the first `limit` breaks; null when there is no such customer. */
  verify(customerId: string, limit: number): Promise<LedgerVerification | null> {
    return inTransaction(this.client, async (session) => {
      // One after the other: a transaction's operations are never sent at once.
      const state = await this.customers.ledgerStateOf(customerId, session);
      const money = await this.customers.moneyOf(customerId, session);
      if (!state || !money) return null;
      const breaks = new BreakList(limit);
      const links = new ReversalLinks();
      const walk = await walkChain(
        links.observe(this.ledger.chainOf(customerId, session)),
        state.ledgerHead,
        "entry",
        breaks,
        ledgerUnhashedFields,
      );
      await links.check(customerId, this.ledger, breaks, session);
      const { sums, unchained } = await this.ledger.sumsAndUnchained(customerId, session);
      const counted = countLedger(sums);
      const differences = totalsDifferencesOf(
        money,
        await this.days.allOf(customerId, session),
        counted,
      );
      for (const difference of differences.filter(wasCounted))
        breaks.add({ ...sumsAt, what: describeDifference(difference, this.currency) });
      return {
        customerId,
        chained: walk.links,
        unchained,
        balance: state.balance,
        credits: state.credits,
        totalsCounted: money.totals !== null,
        breaks: breaks.shown,
        totalBreaks: breaks.total,
      };
    });
  }
}
