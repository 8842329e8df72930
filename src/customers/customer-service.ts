import { AppError } from "../errors/app-error.js";
import type { Customer } from "./customer.js";
import { customerGone } from "./customer-gone.js";
import type { CustomerQuery } from "./customer-query.js";
import type { CustomerRepository } from "./customer-repository.js";

export const listPageSize = 10;
/** How many candidates an ambiguous reference offers to pick from. */
export const choiceLimit = 8;

export type Resolution =
  | { kind: "one"; customer: Customer }
  | { kind: "many"; ref: string; customers: Customer[]; total: number };

export interface ListPage {
  query: CustomerQuery;
  customers: Customer[];
  total: number;
  /** Zero-based. */
  page: number;
  pageCount: number;
}

/** Read-side rules for customers: references, lists, pages. */
export class CustomerService {
  constructor(private readonly repository: CustomerRepository) {}

  /**
   * A REF is an account, an internal ID, or text that matches exactly one customer. Exact matches
   * win; otherwise a substring search decides between one, several (to pick from) and none.
   */
  async resolve(ref: string): Promise<Resolution> {
    const exact = await this.repository.findExact(ref);
    if (exact) return { kind: "one", customer: exact };
    const { customers, total } = await this.repository.search(
      { text: ref },
      { skip: 0, limit: choiceLimit },
    );
    const [only] = customers;
    if (total === 1 && only) return { kind: "one", customer: only };
    if (total === 0) {
      throw new AppError(
        "not_found",
        `No customer matches “${ref}”. Try an account, an internal ID (CUS-…), or \`/customer list ${ref}\`.`,
      );
    }
    return { kind: "many", ref, customers, total };
  }

  async get(customerId: string): Promise<Customer> {
    const customer = await this.repository.findByCustomerId(customerId);
    if (!customer) throw customerGone(customerId);
    return customer;
  }

  async list(query: CustomerQuery, page: number): Promise<ListPage> {
    const found = await this.repository.search(query, {
      skip: page * listPageSize,
      limit: listPageSize,
    });
    const pageCount = Math.max(1, Math.ceil(found.total / listPageSize));
    // Only a forged or very old button asks past the end: show the last page instead of nothing
    // (as billing details do), never “page 100000 of 1”.
    const lastPage = pageCount - 1;
    const { customers, total } =
      page > lastPage
        ? await this.repository.search(query, {
            skip: lastPage * listPageSize,
            limit: listPageSize,
          })
        : found;
    return { query, customers, total, page: Math.min(page, lastPage), pageCount };
  }
}
