/**
 * Slack retries: when an ack is late, Slack sends the very same request again with
 * X-Slack-Retry-Num (1, then 2). These build a request once and deliver it as Slack would, original
 * and retries, so a test can check that the request still has one effect.
 */
import { type Harness, type SentView, stateFor } from "../../support/app-harness.js";
import {
  blockActionsPayload,
  interactionBody,
  viewSubmissionPayload,
} from "../../support/slack/sign-request.js";
import type { FoundButton } from "../../support/slack-blocks.js";
import { commandDelivery, deliverRaw } from "./fault-tools.js";

export interface Delivery {
  body: string;
  /** Where the app answers, when it answers through a response_url. */
  responseUrl?: string;
}

let sequence = 0;
const nextId = (prefix: string) => {
  sequence += 1;
  return `${prefix}${String(sequence).padStart(6, "0")}`;
};

export function retriedCommand(
  harness: Harness,
  userId: string,
  text: string,
): Delivery & { triggerId: string } {
  return commandDelivery(harness, userId, text, nextId("retry"));
}

export function retriedClick(harness: Harness, userId: string, button: FoundButton): Delivery {
  const responseUrl = harness.slack.responseUrl();
  const payload = blockActionsPayload({
    userId,
    responseUrl,
    action: {
      action_id: button.action_id,
      block_id: button.block_id,
      value: button.value,
      type: "button",
    },
  });
  return { body: interactionBody(payload), responseUrl };
}

export function retriedSubmission(
  userId: string,
  view: SentView,
  values: Record<string, string>,
): Delivery & { viewId: string } {
  const viewId = nextId("VRETRY");
  // Slack sends the whole view back, blocks included, with the state of its inputs.
  const payload = viewSubmissionPayload({
    userId,
    view: {
      ...view,
      callback_id: String(view.callback_id),
      id: viewId,
      state: { values: stateFor(view, values) },
    },
  });
  return { body: interactionBody(payload), viewId };
}

/**
 * Delivers the original and Slack's first retry at once (the original's ack was "late"), waits for
 * the app to settle, then the second retry. Resolves with the three HTTP statuses.
 */
export async function deliverWithRetries(
  harness: Harness,
  delivery: Delivery,
  settleMs = 150,
): Promise<number[]> {
  const [original, first] = await Promise.all([
    deliverRaw(harness, delivery.body),
    deliverRaw(harness, delivery.body, { retryNum: 1, retryReason: "http_timeout" }),
  ]);
  if (delivery.responseUrl)
    await harness.slack.waitForResponse(delivery.responseUrl, undefined, 5000).catch(() => null);
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const second = await deliverRaw(harness, delivery.body, {
    retryNum: 2,
    retryReason: "http_timeout",
  });
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  return [original.status, first.status, second.status];
}
