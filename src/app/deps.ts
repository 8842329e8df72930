import type { AuditRepository } from "../audit/audit-repository.js";
import type { RoleResolver } from "../auth/role-resolver.js";
import type { Config } from "../config/env.js";
import type { CustomerLifecycle } from "../customers/customer-lifecycle.js";
import type { CustomerService } from "../customers/customer-service.js";
import type { PasswordResets } from "../customers/password-resets.js";
import type { Database } from "../db/mongo.js";
import type { Invites } from "../invites/invites.js";
import type { Logger } from "../logging/logger.js";

/** Everything listeners need, built once at start-up and passed to every `register`. */
export interface Deps {
  config: Config;
  logger: Logger;
  database: Database;
  customers: CustomerService;
  lifecycle: CustomerLifecycle;
  passwordResets: PasswordResets;
  invites: Invites;
  audit: AuditRepository;
  roles: RoleResolver;
  /** The clock; tests inject one. */
  now: () => Date;
}
