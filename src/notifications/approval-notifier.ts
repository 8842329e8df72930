import type { WebClient } from "@slack/web-api";
import type { Approval } from "../approvals/approval.js";
import type { ApprovalService } from "../approvals/approval-service.js";
import { approvalOutcome, buildApprovalMessage } from "../blocks/approval-message.js";
import { mrkdwn } from "../blocks/text.js";
import type { Logger } from "../logging/logger.js";
import type { Currency } from "../money/currency.js";

const rememberAttempts = 3;
const rememberRetryDelayMs = 250;

/**
 * Slack side of approvals: posts requests to the approvals channel, updates the message in place
 * when decided, and tells the requester. A Slack failure is logged and never undoes a decision.
 */
export class ApprovalNotifier {
  constructor(
    private readonly client: WebClient,
    private readonly approvals: ApprovalService,
    private readonly options: { channelId: string; currency: Currency },
    private readonly logger: Logger,
  ) {}

  /** Posts a new request; returns false if Slack refused (the request stays stored and pending). */
  async post(approval: Approval): Promise<boolean> {
    let posted: { ts?: string; channel?: string };
    try {
      const message = buildApprovalMessage(approval, this.options.currency);
      posted = await this.client.chat.postMessage({
        channel: this.options.channelId,
        text: message.text,
        blocks: message.blocks,
      });
    } catch (error) {
      this.logger.error(
        { err: error, approvalId: approval.approvalId, channel: this.options.channelId },
        "could not post an approval request to the approvals channel",
      );
      return false;
    }
    if (posted.ts && posted.channel)
      await this.remember(approval, { channel: posted.channel, ts: posted.ts });
    return true;
  }

  /**
   * Stores where the request was posted, so that its decision updates that message. The message is
   * in the channel whatever happens here; the write sets the same value every time, so it is tried
   * again after a pause when MongoDB drops it (the driver itself retries only once, at once).
   */
  private async remember(approval: Approval, message: { channel: string; ts: string }) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.approvals.rememberMessage(approval.approvalId, message);
        return;
      } catch (error) {
        if (attempt >= rememberAttempts) {
          this.logger.error(
            { err: error, approvalId: approval.approvalId, message },
            "posted an approval request but could not store where; its message will keep its buttons when it is decided",
          );
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, rememberRetryDelayMs * attempt));
      }
    }
  }

  /** After a decision: the channel message without buttons, and a direct message to the requester. */
  async decided(approval: Approval): Promise<void> {
    const message = buildApprovalMessage(approval, this.options.currency);
    const work: Promise<unknown>[] = [];
    if (approval.message)
      work.push(
        this.client.chat.update({
          channel: approval.message.channel,
          ts: approval.message.ts,
          text: message.text,
          blocks: message.blocks,
        }),
      );
    const outcome = approvalOutcome(approval, this.options.currency);
    const text = `Your ${approval.kind} request for ${approval.account} was ${approval.state}.`;
    work.push(
      this.client.chat.postMessage({
        channel: approval.requestedBy,
        text,
        blocks: [{ type: "section", text: mrkdwn(`${text}\n${outcome}`) }],
      }),
    );
    const results = await Promise.allSettled(work);
    for (const result of results) {
      if (result.status === "rejected")
        this.logger.error(
          { err: result.reason, approvalId: approval.approvalId },
          "could not tell Slack about an approval decision",
        );
    }
  }
}
