export const roles = ["support", "manager", "admin"] as const;
export type Role = (typeof roles)[number];

const rank: Record<Role, number> = { support: 1, manager: 2, admin: 3 };

export type Permission =
  /** Look up customers, their history and billing; see the pool and approvals. */
  | "customers.read"
  /** Change customers and request money changes (PRODUCT.md §2). */
  | "customers.write"
  /** Link a channel to a customer, and unlink it (README "Using it", linked channels). */
  | "channels.link"
  /** Approve or reject approval requests. */
  | "approvals.decide"
  /** Change the platform's credit pool total. */
  | "pool.setTotal"
  /** Verify a customer's ledger chain and sums (`/customer verify`). */
  | "ledger.verify";

const minimumRole: Record<Permission, Role> = {
  "customers.read": "support",
  "customers.write": "support",
  "channels.link": "support",
  "approvals.decide": "manager",
  "pool.setTotal": "admin",
  "ledger.verify": "support",
};

export function can(role: Role | null, permission: Permission): boolean {
  return role !== null && rank[role] >= rank[minimumRole[permission]];
}

export function highestRole(found: Iterable<Role>): Role | null {
  let best: Role | null = null;
  for (const role of found) if (best === null || rank[role] > rank[best]) best = role;
  return best;
}
