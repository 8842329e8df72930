import type { WebClient } from "@slack/web-api";
import type { Approval } from "../approvals/approval.js";
import type { ApprovalService } from "../approvals/approval-service.js";
import type { Role } from "../auth/roles.js";
import { approvalOutcome, buildApprovalMessage } from "../blocks/approval-message.js";
import { describeAuditEvent } from "../blocks/audit-line.js";
import type { SlackMessage } from "../blocks/message.js";
import { mrkdwn } from "../blocks/text.js";
import type { Logger } from "../logging/logger.js";
import type { Currency } from "../money/currency.js";
import type { OutboxEntry, OutboxRepository } from "../outbox/outbox-repository.js";
import { type PostedMessage, PostedOnce } from "./posted-once.js";

/** At most this many audit lines go in one message when the audit channel is backed up. */
export const auditBatchMax = 20;

export interface DeliveryOptions {
  approvalsChannelId: string;
  /** Where audit lines go; without it, audit entries are never written. */
  auditChannelId?: string;
  currency: Currency;
}

/** The App Home publishing the outbox asks for (the HomeRefresher, with its `hash` handling). */
export interface HomePublisher {
  publishNow(viewerId: string, role: Role | null): Promise<void>;
}

/**
 * How each kind of outbox entry reaches Slack: what it looks like, where it goes, and (for new
 * messages) how it is posted exactly once. A delivery throws when Slack did not take it; the poster
 * decides when to try again.
 */
export class SlackDeliveries {
  private readonly postedOnce: PostedOnce;

  constructor(
    private readonly client: WebClient,
    outbox: OutboxRepository,
    private readonly approvals: ApprovalService,
    private readonly home: HomePublisher,
    private readonly roleOf: (userId: string) => Promise<Role | null>,
    private readonly options: DeliveryOptions,
    logger: Logger,
  ) {
    this.postedOnce = new PostedOnce(client, outbox, logger);
  }

  /**
   * Which of a lane's next entries one delivery takes: audit lines that have piled up go out as one
   * message (those of an interrupted batch exactly as they were); Home refreshes for one person
   * collapse into one publish; anything else one at a time.
   */
  take(head: OutboxEntry[]): OutboxEntry[] {
    const [first] = head;
    if (!first) return [];
    if (first.owed.kind === "audit.line") {
      if (first.sendingSince && first.batch)
        return head.filter((entry) => entry.batch === first.batch);
      const lines: OutboxEntry[] = [];
      for (const entry of head) {
        if (entry.owed.kind !== "audit.line" || lines.length >= auditBatchMax) break;
        lines.push(entry);
      }
      return lines;
    }
    if (first.owed.kind === "home.refresh")
      return head.filter((entry) => entry.owed.kind === "home.refresh");
    return [first];
  }

  /** Delivers `entries` (one `take`); answers where the message landed, when it is one. */
  async deliver(entries: OutboxEntry[]): Promise<PostedMessage | undefined> {
    const [first] = entries;
    if (!first) return undefined;
    const { owed } = first;
    switch (owed.kind) {
      case "approval.post": {
        const approval = await this.approvals.get(owed.approvalId);
        const posted = await this.postedOnce.post(
          entries,
          this.options.approvalsChannelId,
          buildApprovalMessage(approval, this.options.currency),
        );
        await this.approvals.rememberMessage(approval.approvalId, posted);
        return posted;
      }
      case "approval.update": {
        const approval = await this.approvals.get(owed.approvalId);
        // Not posted yet (or its post could not be stored): the post, when it goes, shows the outcome.
        if (!approval.message) return undefined;
        const message = buildApprovalMessage(approval, this.options.currency);
        await this.client.chat.update({
          channel: approval.message.channel,
          ts: approval.message.ts,
          text: message.text,
          blocks: message.blocks,
        });
        return approval.message;
      }
      case "approval.dm": {
        const approval = await this.approvals.get(owed.approvalId);
        return this.postedOnce.post(entries, owed.userId, this.decisionDm(approval));
      }
      case "audit.line": {
        const channel = this.options.auditChannelId;
        if (!channel) return undefined;
        const lines = entries.flatMap((entry) =>
          entry.owed.kind === "audit.line"
            ? [describeAuditEvent(entry.owed.event, this.options.currency, { withTime: false })]
            : [],
        );
        return this.postedOnce.post(entries, channel, { text: lines.join("\n") });
      }
      case "home.refresh":
        await this.home.publishNow(owed.userId, await this.roleOf(owed.userId));
        return undefined;
    }
  }

  private decisionDm(approval: Approval): SlackMessage {
    const outcome = approvalOutcome(approval, this.options.currency);
    const text = `Your ${approval.kind} request for ${approval.account} was ${approval.state}.`;
    return { text, blocks: [{ type: "section", text: mrkdwn(`${text}\n${outcome}`) }] };
  }
}
