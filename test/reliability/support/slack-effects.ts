/**
 * What the app told Slack about one customer, counted from the fake Slack API's recording: the
 * approval request posted to the approvals channel, the chat.update of that message when decided,
 * the DM to the requester, and the lines about it in the audit channel.
 */
import type { Harness } from "../../support/app-harness.js";
import { sleep } from "./fault-tools.js";

export interface SlackEffects {
  approvalPosts: number;
  approvalUpdates: number;
  requesterDms: number;
  auditLines: number;
}

export const noEffects: SlackEffects = {
  approvalPosts: 0,
  approvalUpdates: 0,
  requesterDms: 0,
  auditLines: 0,
};

export interface EffectsOptions {
  auditChannel: string;
  requester: string;
}

export function slackEffectsFor(
  harness: Harness,
  account: string,
  options: EffectsOptions,
): SlackEffects {
  const approvals = harness.config.approvalsChannelId;
  const about = (args: Record<string, unknown>) => JSON.stringify(args).includes(account);
  const posts = harness.slack.callsTo("chat.postMessage").filter((call) => about(call.args));
  return {
    approvalPosts: posts.filter((call) => call.args.channel === approvals).length,
    approvalUpdates: harness.slack
      .callsTo("chat.update")
      .filter((call) => call.args.channel === approvals && about(call.args)).length,
    requesterDms: posts.filter((call) => call.args.channel === options.requester).length,
    // Lines, not posts: when the audit channel is backed up, several lines go out as one message.
    auditLines: posts
      .filter((call) => call.args.channel === options.auditChannel)
      .flatMap((call) => String(call.args.text).split("\n"))
      .filter((line) => line.includes(account)).length,
  };
}

/** `after − before`, per kind of effect. */
export function effectsBetween(before: SlackEffects, after: SlackEffects): SlackEffects {
  return {
    approvalPosts: after.approvalPosts - before.approvalPosts,
    approvalUpdates: after.approvalUpdates - before.approvalUpdates,
    requesterDms: after.requesterDms - before.requesterDms,
    auditLines: after.auditLines - before.auditLines,
  };
}

export function describeEffects(effects: SlackEffects): string {
  return `${effects.approvalPosts} approval posts, ${effects.approvalUpdates} message updates, ${effects.requesterDms} DMs, ${effects.auditLines} audit lines`;
}

/**
 * The effects a step caused, once they are all in (posts to Slack may follow the answer) — or
 * after `timeoutMs` — and a moment more, so that a duplicate shows up too.
 */
export async function effectsOfStep(
  read: () => SlackEffects,
  before: SlackEffects,
  expected: SlackEffects,
  timeoutMs = 3000,
): Promise<SlackEffects> {
  const deadline = Date.now() + timeoutMs;
  const reached = (effects: SlackEffects) =>
    (Object.keys(expected) as (keyof SlackEffects)[]).every(
      (kind) => effects[kind] >= expected[kind],
    );
  while (!reached(effectsBetween(before, read())) && Date.now() < deadline) await sleep(25);
  await sleep(100);
  return effectsBetween(before, read());
}

export function sameEffects(a: SlackEffects, b: SlackEffects): boolean {
  return (Object.keys(a) as (keyof SlackEffects)[]).every((kind) => a[kind] === b[kind]);
}
