import type { WebClient } from "@slack/web-api";
import type { AuditEvent } from "../audit/audit-event.js";
import { describeAuditEvent } from "../blocks/audit-line.js";
import type { Logger } from "../logging/logger.js";
import type { Currency } from "../money/currency.js";

/**
 * AUDIT_CHANNEL_ID: every change is also posted there as one line, after it committed. Posting is
 * fire-and-forget: a failure is logged and never blocks or undoes the change.
 */
export function auditChannelPoster(
  client: WebClient,
  channelId: string,
  currency: Currency,
  logger: Logger,
) {
  return (event: AuditEvent): void => {
    if (event.outcome !== "done") return;
    const text = describeAuditEvent(event, currency, { withTime: false });
    client.chat
      .postMessage({ channel: channelId, text, unfurl_links: false, unfurl_media: false })
      .catch((error: unknown) => {
        logger.error(
          { err: error, channel: channelId, action: event.action },
          "could not post to the audit channel; the change itself is saved",
        );
      });
  };
}
