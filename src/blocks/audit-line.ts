import type { AuditEvent } from "../audit/audit-event.js";
import { type Currency, formatMoney } from "../money/currency.js";
import { channelLink, clip, code, joinMd, type Mrkdwn, md, mention, slackDate } from "./mrkdwn.js";

/** What each action is called in a sentence ("<@U> refilled the balance of ana@…"). */
const verbs: Record<string, string> = {
  "access.refused": "was refused access",
  "customer.create": "created",
  "customer.import": "imported",
  "customer.edit": "edited",
  "customer.tag": "changed the tag of",
  "customer.enable": "enabled",
  "customer.disable": "disabled",
  "customer.password.offer": "generated a new password (not yet confirmed) for",
  "customer.password.cancel": "cancelled a generated password for",
  "customer.password.reset": "reset the password of",
  "invite.create": "created an invite",
  "invite.revoke": "revoked an invite",
  "balance.refill": "refilled the balance of",
  "balance.deduct": "deducted from the balance of",
  "credits.grant": "granted credits to",
  "credits.return": "took credits back from",
  "credits.request": "asked for credits for",
  "approval.request.credits": "asked to change the credits of",
  "approval.request.balance": "asked to change the balance of",
  "approval.approve": "approved a request for",
  "approval.reject": "rejected a request for",
  "approval.stale": "found a stale request for",
  "approval.expire": "expired an undecided request for",
  "approval.decide": "tried to decide a request for",
  "approval.withdraw": "withdrew a request for",
  "pool.setTotal": "set the credit pool total",
  "channel.link": "linked a channel to",
  "channel.unlink": "unlinked a channel from",
  "customer.verify": "verified the ledger of",
};

const moneyFields = new Set(["balance", "credits", "total"]);

function describeValue(field: string, value: unknown, currency: Currency): Mrkdwn {
  if (value === null || value === undefined || value === "") return md`—`;
  if (moneyFields.has(field) && typeof value === "number")
    return md`${formatMoney(value, currency)}`;
  if (value instanceof Date) return slackDate(value);
  return code(clip(String(value), 60));
}

/** `field: before → after` for every field an event changed. */
export function describeChanges(event: AuditEvent, currency: Currency): Mrkdwn {
  const fields = new Set([...Object.keys(event.before ?? {}), ...Object.keys(event.after ?? {})]);
  return joinMd(
    [...fields].map((field) => {
      const before = event.before?.[field];
      const after = event.after?.[field];
      if (event.before === undefined) return md`${field} ${describeValue(field, after, currency)}`;
      return md`${field} ${describeValue(field, before, currency)} → ${describeValue(field, after, currency)}`;
    }),
    md`, `,
  );
}

/** One secret-free line: when, who, what, to whom, before → after, and why or why not. */
export function describeAuditEvent(
  event: AuditEvent,
  currency: Currency,
  options: { withTime?: boolean } = {},
): Mrkdwn {
  const verb = verbs[event.action] ?? event.action;
  const target = event.target?.account ? md` *${clip(event.target.account, 80)}*` : "";
  const channel = event.target?.channelId ? md` (${channelLink(event.target.channelId)})` : "";
  const changes = describeChanges(event, currency);
  const refused = event.outcome === "refused" ? md` :no_entry: _refused_` : "";
  const detail = event.detail ? md` — _${clip(event.detail, 200)}_` : "";
  const time = options.withTime === false ? "" : md`${slackDate(event.at)} · `;
  return md`${time}${mention(event.actorId)} ${verb}${target}${channel}${changes.length > 0 ? md`: ${changes}` : ""}${refused}${detail}`;
}
