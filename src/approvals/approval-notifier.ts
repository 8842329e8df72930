import type { WebClient } from "@slack/web-api";
import { approvalOutcome, buildApprovalMessage } from "../blocks/approval-message.js";
import { mrkdwn } from "../blocks/text.js";
import type { Logger } from "../logging/logger.js";
import type { Currency } from "../money/currency.js";
import type { Approval } from "./approval.js";
import type { ApprovalService } from "./approval-service.js";

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
    try {
      const message = buildApprovalMessage(approval, this.options.currency);
      const posted = await this.client.chat.postMessage({
        channel: this.options.channelId,
        text: message.text,
        blocks: message.blocks,
      });
      if (posted.ts && posted.channel)
        await this.approvals.rememberMessage(approval.approvalId, {
          channel: posted.channel,
          ts: posted.ts,
        });
      return true;
    } catch (error) {
      this.logger.error(
        { err: error, approvalId: approval.approvalId, channel: this.options.channelId },
        "could not post an approval request to the approvals channel",
      );
      return false;
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
