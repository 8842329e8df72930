/** Collection names, in one place: the console reads some of these (see README “Console integration”). */
export const collections = {
  customers: "customers",
  auditEvents: "audit_events",
  idempotencyKeys: "idempotency_keys",
  passwordResets: "password_resets",
  invites: "invites",
} as const;
