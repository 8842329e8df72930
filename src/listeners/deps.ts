import type { ApprovalService } from "../approvals/approval-service.js";
import type { Reversals } from "../approvals/reversals.js";
import type { AuditRepository } from "../audit/audit-repository.js";
import type { RoleResolver } from "../auth/role-resolver.js";
import type { BillingService } from "../billing/billing-service.js";
import type { ChannelLinks } from "../channels/channel-links.js";
import type { Config } from "../config/env.js";
import type { CustomerLifecycle } from "../customers/customer-lifecycle.js";
import type { CustomerService } from "../customers/customer-service.js";
import type { PasswordResets } from "../customers/password-resets.js";
import type { IdempotencyRepository } from "../db/idempotency-repository.js";
import type { IntegrityService } from "../integrity/integrity-service.js";
import type { Invites } from "../invites/invites.js";
import type { Logger } from "../logging/logger.js";
import type { MoneyService } from "../money-changes/money-service.js";
import type { CreditPool } from "../pool/credit-pool.js";
import type { HomeRefresher } from "./events/home-refresher.js";

/** Everything listeners need, built once at start-up and passed to every `register`. */
export interface Deps {
  config: Config;
  logger: Logger;
  customers: CustomerService;
  lifecycle: CustomerLifecycle;
  passwordResets: PasswordResets;
  invites: Invites;
  pool: CreditPool;
  money: MoneyService;
  approvals: ApprovalService;
  /** Reverse on a billing details entry: always an approval request. */
  reversals: Reversals;
  billing: BillingService;
  /** Channels linked to a customer (`/customer link`); `linkedCustomerOf` preselects it in forms. */
  channelLinks: ChannelLinks;
  /** `/customer verify`: a customer's ledger chain and sums, checked on request. */
  integrity: IntegrityService;
  audit: AuditRepository;
  /** Slack deliveries taken, so a retried or re-sent one does nothing more. */
  idempotency: IdempotencyRepository;
  roles: RoleResolver;
  /** Republishes someone's App Home after they act (coalesced per person). */
  homeRefresher: HomeRefresher;
  /** The clock; tests inject one. */
  now: () => Date;
}
