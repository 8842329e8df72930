import type { Approval } from "../approvals/approval.js";
import { hoursAndMinutes, timeLeft } from "./home.js";
import { buildNotice, type SlackMessage } from "./message.js";
import { md, slackDate } from "./mrkdwn.js";

/** "24 h", "1 h 30 min", "45 min": a request's lifetime, to the minute. */
function lifetimeText(ms: number): string {
  return hoursAndMinutes(Math.floor(ms / 60_000)) || "under a minute";
}

const fiveMinutesMs = 5 * 60_000;

/**
 * The reminder posted in a pending request's thread: how long it had left when the sweep owed it,
 * in App Home's wording, and when it expires, in the reader's time zone. The time left is given to
 * the nearest 5 minutes (the sweep runs up to a minute after a reminder's time, so a 24 h request's
 * halfway reminder says 12 h, not 11 h 59 min), to the minute when less is left; the date is exact.
 */
export function buildReminderReply(approval: Approval, leftMs: number): SlackMessage {
  const { expiresAt } = approval;
  const shownMs =
    leftMs >= fiveMinutesMs ? Math.round(leftMs / fiveMinutesMs) * fiveMinutesMs : leftMs;
  const left = timeLeft(expiresAt, new Date(expiresAt.getTime() - shownMs));
  return buildNotice(
    md`:alarm_clock: Still waiting for a manager — ${left} (${slackDate(expiresAt)}).`,
  );
}

/** The reply in an expired request's thread. */
export function buildExpiryReply(approval: Approval): SlackMessage {
  const lifetime = lifetimeText(approval.expiresAt.getTime() - approval.requestedAt.getTime());
  return buildNotice(
    md`:hourglass: Expired without a decision after ${lifetime}; nothing was changed.`,
  );
}
