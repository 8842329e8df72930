import type { Filter } from "mongodb";
import type { CustomerStatus, TeamType } from "./customer.js";

/** A list/search request: free text plus exact filters. */
export interface CustomerQuery {
  text?: string;
  teamType?: TeamType;
  status?: CustomerStatus;
  tag?: string;
}

/** Escapes every regex metacharacter so user text is matched literally. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/**
 * The MongoDB filter for a query. User text only ever becomes an escaped, case-insensitive substring
 * pattern of a `$regex` value, and exact filters are plain strings, so no user input can act as a
 * query operator.
 */
export function customerFilter(query: CustomerQuery): Filter<Record<string, unknown>> {
  const filter: Record<string, unknown> = {};
  if (query.teamType) filter.teamType = { $eq: query.teamType };
  if (query.status) filter.status = { $eq: query.status };
  if (query.tag) filter.tag = { $eq: query.tag };
  const text = query.text?.trim();
  if (text) {
    const pattern = { $regex: escapeRegex(text), $options: "i" };
    filter.$or = [
      { account: pattern },
      { teamName: pattern },
      { companyName: pattern },
      { customerId: pattern },
    ];
  }
  return filter;
}
