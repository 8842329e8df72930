import { AppError } from "../errors/app-error.js";
import type { Customer } from "./customer.js";
import { customerGone } from "./customer-gone.js";
import type { BoundedCount, CustomerQuery, ListCursor, ListPosition } from "./customer-query.js";
import type { CustomerRepository, ListedCustomer } from "./customer-repository.js";

export const listPageSize = 10;
/** How many candidates an ambiguous reference offers to pick from. */
export const choiceLimit = 8;
/** The most pages a page number (shown, never trusted) counts to. */
export const maxPageNumber = 100_000;

export type Resolution =
  | { kind: "one"; customer: Customer }
  | { kind: "many"; ref: string; customers: Customer[]; total: BoundedCount };

/** Where a list page button leads: the page next to `cursor`, shown as page `page` (zero-based). */
export interface ListPageTarget {
  query: CustomerQuery;
  cursor: ListCursor;
  page: number;
}

export interface ListPage {
  query: CustomerQuery;
  customers: Customer[];
  total: BoundedCount;
  /** Zero-based; only ever a label. */
  page: number;
  /** Known when the total is exact. */
  pageCount: number | null;
  /** The first customer shown, when there are newer ones (Previous). */
  newer: ListPosition | null;
  /** The last customer shown, when there are older ones (Next). */
  older: ListPosition | null;
}

interface Shown {
  rows: ListedCustomer[];
  hasNewer: boolean;
  hasOlder: boolean;
}

/** Read-side rules for customers: references, lists, pages. */
export class CustomerService {
  constructor(private readonly repository: CustomerRepository) {}

  /**
   * A REF is an account, an internal ID, or text whose words prefix one customer's search keys.
   * Exact matches win (customers the console wrote without search keys are found this way only);
   * otherwise a word-prefix search decides between one, several (to pick from) and none.
   */
  async resolve(ref: string): Promise<Resolution> {
    const exact = await this.repository.findExact(ref);
    if (exact) return { kind: "one", customer: exact };
    const [rows, total] = await Promise.all([
      this.repository.listPage({ text: ref }, "newest", choiceLimit),
      this.repository.count({ text: ref }),
    ]);
    const customers = rows.map((row) => row.customer);
    const [only] = customers;
    if (total.count === 1 && !total.atLeast && only) return { kind: "one", customer: only };
    if (customers.length === 0) {
      throw new AppError(
        "not_found",
        `No customer matches “${ref}”. Try an account, an internal ID (CUS-…), or \`/customer list ${ref}\`.`,
      );
    }
    return { kind: "many", ref, customers, total };
  }

  /**
   * The picker's suggestions: up to `limit` customers whose search keys the text's words start,
   * newest first. One query that stops as soon as it has them (see `suggestionPlan`).
   */
  suggest(text: string, limit: number): Promise<Customer[]> {
    return this.repository.suggestions(text, limit);
  }

  async get(customerId: string): Promise<Customer> {
    const customer = await this.repository.findByCustomerId(customerId);
    if (!customer) throw customerGone(customerId);
    return customer;
  }

  /**
   * The first page of a list, or the page a button leads to. Pages are keyset ranges: a cursor
   * names the customer the page starts after (Next) or ends before (Previous), never a count to
   * skip, so any page costs one page's reads. A cursor past either end shows the first or last page.
   */
  async list(query: CustomerQuery, target: ListPageTarget | null = null): Promise<ListPage> {
    const [shown, total] = await Promise.all([
      this.pageAt(query, target?.cursor ?? null),
      this.repository.count(query),
    ]);
    const pageCount = total.atLeast ? null : Math.max(1, Math.ceil(total.count / listPageSize));
    const { rows, hasNewer, hasOlder } = shown;
    const lastPage = Math.min(pageCount ?? maxPageNumber, maxPageNumber) - 1;
    // The button's page number is a label: kept within what the rows around the page allow.
    let page = 0;
    if (hasNewer && !hasOlder && pageCount !== null) page = lastPage;
    else if (hasNewer)
      page = Math.max(1, Math.min(target?.page ?? 1, hasOlder ? lastPage - 1 : lastPage));
    return {
      query,
      customers: rows.map((row) => row.customer),
      total,
      page,
      pageCount,
      newer: hasNewer ? (rows[0]?.position ?? null) : null,
      older: hasOlder ? (rows.at(-1)?.position ?? null) : null,
    };
  }

  private async pageAt(query: CustomerQuery, cursor: ListCursor | null): Promise<Shown> {
    const found = await this.repository.listPage(query, cursor ?? "newest", listPageSize + 1);
    const more = found.length > listPageSize;
    const rows = found.slice(0, listPageSize);
    if (cursor?.direction === "before") {
      // Fewer than a page newer than the cursor: that is the first page, which starts at the top.
      if (rows.length < listPageSize) return this.pageAt(query, null);
      return { rows: rows.reverse(), hasNewer: more, hasOlder: true };
    }
    // Nothing older than the cursor (a forged or stale button): the last page instead of nothing.
    if (cursor && rows.length === 0) return this.lastPage(query);
    return { rows, hasNewer: cursor !== null, hasOlder: more };
  }

  /** The oldest customers, one page of them, newest first. */
  private async lastPage(query: CustomerQuery): Promise<Shown> {
    const oldest = await this.repository.listPage(query, "oldest", listPageSize + 1);
    const more = oldest.length > listPageSize;
    return { rows: oldest.slice(0, listPageSize).reverse(), hasNewer: more, hasOlder: false };
  }
}
