/** Collection names, in one place: the console reads some of these (see README “Console integration”). */
export const collections = {
  customers: "customers",
  auditEvents: "audit_events",
  idempotencyKeys: "idempotency_keys",
  passwordResets: "password_resets",
  invites: "invites",
  ledgerEntries: "ledger_entries",
  approvals: "approvals",
  /** Per customer and UTC day, the money moved that day (kept with each ledger entry). */
  ledgerDays: "ledger_days",
  platform: "platform",
  /** What the bot owes Slack, delivered by the outbox poster. */
  outbox: "outbox",
  /** Each configured Slack user group's members, shared by every instance (see README “Roles”). */
  usergroupMembers: "usergroup_members",
  /** Who runs a singleton background job (e.g. the user group refresher) until when. */
  leases: "leases",
  /** Written by the platform (usage charges); the bot only reads it. */
  billingRecords: "billing_records",
  /** Channels linked to a customer (the bot's own; `/customer link`). */
  channelLinks: "channel_links",
  /** The head (last seq and hash) of each single chain, e.g. `_id: "audit"` (README “The ledger's hash chain”). */
  chainHeads: "chain_heads",
} as const;
