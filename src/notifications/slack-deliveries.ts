import type { WebClient } from "@slack/web-api";
import type { Approval } from "../approvals/approval.js";
import type { ApprovalService } from "../approvals/approval-service.js";
import type { Role } from "../auth/roles.js";
import { approvalOutcome, buildApprovalMessage } from "../blocks/approval-message.js";
import { buildExpiryReply, buildReminderReply } from "../blocks/approval-reply.js";
import { describeAuditEvent } from "../blocks/audit-line.js";
import { buildLowBalanceAlert } from "../blocks/low-balance-alert.js";
import { messagePayload, type SlackMessage } from "../blocks/message.js";
import { joinMd, md } from "../blocks/mrkdwn.js";
import { mrkdwn } from "../blocks/text.js";
import type { Logger } from "../logging/logger.js";
import type { Currency } from "../money/currency.js";
import type { OutboxEntry, OutboxRepository } from "../outbox/outbox-repository.js";
import type { Owed } from "../outbox/owed.js";
import { type PostedMessage, PostedOnce } from "./posted-once.js";

/** At most this many audit lines go in one message when the audit channel is backed up. */
export const auditBatchMax = 20;

export interface DeliveryOptions {
  approvalsChannelId: string;
  /** Where audit lines go; without it, audit entries are never written. */
  auditChannelId?: string;
  /** Where low-balance lines owed `to: "alerts"` go. */
  alertsChannelId?: string;
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
    private readonly outbox: OutboxRepository,
    private readonly approvals: ApprovalService,
    private readonly home: HomePublisher,
    private readonly roleOf: (userId: string) => Promise<Role | null>,
    private readonly options: DeliveryOptions,
    private readonly logger: Logger,
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
        await this.rememberOnApproval(approval.approvalId, posted);
        return posted;
      }
      case "approval.update": {
        const approval = await this.approvals.get(owed.approvalId);
        const where = approval.message ?? (await this.outbox.postOf(approval.approvalId));
        // Not posted yet: the post, when it goes, shows the outcome.
        if (!where) return undefined;
        const message = buildApprovalMessage(approval, this.options.currency);
        await this.client.chat.update({
          channel: where.channel,
          ts: where.ts,
          ...messagePayload(message),
        });
        return where;
      }
      case "approval.reminder":
      case "approval.expiry":
        return this.replyInThread(entries, owed);
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
        return this.postedOnce.post(entries, channel, { text: joinMd(lines) });
      }
      case "balance.low": {
        const channel =
          owed.to === "alerts" ? this.options.alertsChannelId : this.options.auditChannelId;
        if (!channel) return undefined;
        return this.postedOnce.post(
          entries,
          channel,
          buildLowBalanceAlert(owed.alert, this.options.currency),
        );
      }
      case "home.refresh":
        await this.home.publishNow(owed.userId, await this.roleOf(owed.userId));
        return undefined;
    }
  }

  /**
   * A reply in the request's thread in the approvals channel (posted exactly once, like a post). The
   * lane delivers the request's post first, so its message is known by now; if that post failed for
   * good there is no thread, and the reply is dropped with a warning. A reminder for a request
   * decided since it was owed is dropped too: "still waiting" must not follow the outcome.
   */
  private async replyInThread(
    entries: OutboxEntry[],
    owed: Extract<Owed, { kind: "approval.reminder" | "approval.expiry" }>,
  ): Promise<PostedMessage | undefined> {
    const approval = await this.approvals.get(owed.approvalId);
    if (owed.kind === "approval.reminder" && approval.state !== "pending") return undefined;
    const thread = approval.message ?? (await this.outbox.postOf(approval.approvalId));
    if (!thread) {
      this.logger.warn(
        { approvalId: approval.approvalId, kind: owed.kind },
        "an approval request's message was never posted, so its thread reply is not posted either",
      );
      return undefined;
    }
    const reply =
      owed.kind === "approval.reminder"
        ? buildReminderReply(approval, owed.leftMs)
        : buildExpiryReply(approval);
    return this.postedOnce.post(entries, thread.channel, reply, thread.ts);
  }

  /**
   * Copies where the request was posted onto the approval (for the console and `approval.message`
   * readers). The outbox entry already holds it, and the update reads it from there when the copy is
   * missing, so the lane does not wait more than a moment for this write: it can be held for up to a
   * minute by a crashed instance's open transaction on the same approval.
   */
  private async rememberOnApproval(approvalId: string, posted: PostedMessage): Promise<void> {
    const remembered = this.approvals.rememberMessage(approvalId, posted).then(
      () => true,
      (error: unknown) => {
        this.logger.warn(
          { err: error, approvalId },
          "could not copy where an approval request was posted onto it; its outbox entry has it",
        );
        return true;
      },
    );
    const late = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000).unref());
    if (!(await Promise.race([remembered, late])))
      this.logger.warn(
        { approvalId },
        "copying where an approval request was posted is waiting; going on",
      );
  }

  private decisionDm(approval: Approval): SlackMessage {
    const outcome = approvalOutcome(approval, this.options.currency);
    const text = md`Your ${approval.kind} request for ${approval.account} was ${approval.state}.`;
    return { text, blocks: [{ type: "section", text: mrkdwn(md`${text}\n${outcome}`) }] };
  }
}
