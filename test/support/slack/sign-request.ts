/** Builds and sends requests exactly as Slack does: bodies, payload shapes and signatures. */
import { createHmac } from "node:crypto";
import { APP_ID, BOT_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID } from "./test-workspace.js";

export const formContentType = "application/x-www-form-urlencoded";

const DEFAULT_CHANNEL_ID = "C0TEST";
/** The legacy verification token Slack still sends; Bolt ignores it. */
const VERIFICATION_TOKEN = "fake-verification-token";

let sequence = 0;
const nextSequence = () => {
  sequence += 1;
  return sequence;
};
const triggerId = () => {
  const n = nextSequence();
  return `${1_700_000_000 + n}.1234567890.fake${n}`;
};
const actionTs = () =>
  `${Math.floor(Date.now() / 1000)}.${String(nextSequence()).padStart(6, "0")}`;

export function slackSignature(signingSecret: string, timestamp: number, rawBody: string): string {
  const hmac = createHmac("sha256", signingSecret).update(`v0:${timestamp}:${rawBody}`);
  return `v0=${hmac.digest("hex")}`;
}

export interface SignOptions {
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  retryNum?: number;
  retryReason?: string;
}

export function signedHeaders(
  signingSecret: string,
  rawBody: string,
  contentType: string,
  options: SignOptions = {},
): Record<string, string> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    "content-type": contentType,
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": slackSignature(signingSecret, timestamp, rawBody),
  };
  if (options.retryNum !== undefined) headers["x-slack-retry-num"] = String(options.retryNum);
  if (options.retryReason !== undefined) headers["x-slack-retry-reason"] = options.retryReason;
  return headers;
}

export interface SlashCommandFields {
  command?: string;
  text: string;
  user_id: string;
  user_name?: string;
  team_id?: string;
  channel_id?: string;
  response_url: string;
  trigger_id?: string;
}

/** A slash command's form body, fields in the order Slack sends them. */
export function slashCommandBody(fields: SlashCommandFields): string {
  return new URLSearchParams({
    token: VERIFICATION_TOKEN,
    team_id: fields.team_id ?? TEAM_ID,
    team_domain: TEAM_DOMAIN,
    channel_id: fields.channel_id ?? DEFAULT_CHANNEL_ID,
    channel_name: "customer-ops",
    user_id: fields.user_id,
    user_name: fields.user_name ?? userName(fields.user_id),
    command: fields.command ?? "/customer",
    text: fields.text,
    api_app_id: APP_ID,
    is_enterprise_install: "false",
    response_url: fields.response_url,
    trigger_id: fields.trigger_id ?? triggerId(),
  }).toString();
}

/** The form body Slack posts for interactions (block_actions, view_submission, …). */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface BlockActionsOptions {
  userId: string;
  action: {
    action_id: string;
    block_id?: string;
    value?: string;
    type?: string;
    selected_option?: unknown;
  };
  responseUrl?: string;
  triggerId?: string;
  container?: Record<string, unknown>;
  /** Set for actions in a modal or on the home tab; otherwise the action is in a message. */
  view?: Record<string, unknown>;
  channelId?: string;
  message?: Record<string, unknown>;
}

export function blockActionsPayload(opts: BlockActionsOptions): Record<string, unknown> {
  const channelId = opts.channelId ?? DEFAULT_CHANNEL_ID;
  const message = opts.view
    ? undefined
    : (opts.message ?? {
        type: "message",
        user: BOT_USER_ID,
        bot_id: BOT_ID,
        app_id: APP_ID,
        team: TEAM_ID,
        ts: "1700000000.000100",
        text: "",
        blocks: [],
      });
  const container =
    opts.container ??
    (opts.view
      ? { type: "view", view_id: opts.view.id }
      : { type: "message", message_ts: message?.ts, channel_id: channelId, is_ephemeral: false });
  return {
    type: "block_actions",
    user: slackUser(opts.userId),
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    container,
    trigger_id: opts.triggerId ?? triggerId(),
    team: { id: TEAM_ID, domain: TEAM_DOMAIN },
    enterprise: null,
    is_enterprise_install: false,
    ...(opts.view
      ? { view: opts.view }
      : {
          channel: { id: channelId, name: "customer-ops" },
          message,
          state: { values: {} },
        }),
    ...(opts.responseUrl === undefined ? {} : { response_url: opts.responseUrl }),
    actions: [
      {
        type: "button",
        block_id: "actions",
        ...opts.action,
        action_ts: actionTs(),
      },
    ],
  };
}

export interface ViewSubmissionOptions {
  userId: string;
  view: {
    callback_id: string;
    private_metadata?: string;
    state: { values: Record<string, Record<string, unknown>> };
    id?: string;
  };
  triggerId?: string;
}

export function viewSubmissionPayload(opts: ViewSubmissionOptions): Record<string, unknown> {
  const viewId = opts.view.id ?? "V0SUBMIT";
  return {
    type: "view_submission",
    team: { id: TEAM_ID, domain: TEAM_DOMAIN },
    user: slackUser(opts.userId),
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: opts.triggerId ?? triggerId(),
    view: {
      id: viewId,
      team_id: TEAM_ID,
      type: "modal",
      blocks: [],
      private_metadata: "",
      title: { type: "plain_text", text: "Modal" },
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: { type: "plain_text", text: "Submit" },
      previous_view_id: null,
      root_view_id: viewId,
      app_id: APP_ID,
      external_id: "",
      app_installed_team_id: TEAM_ID,
      bot_id: BOT_ID,
      hash: "1700000000.fakehash",
      ...opts.view,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** An Events API `event_callback` envelope around `event`, as JSON. */
export function eventBody(
  event: Record<string, unknown>,
  options: { teamId?: string; eventId?: string } = {},
): string {
  const teamId = options.teamId ?? TEAM_ID;
  const eventTime = Math.floor(Date.now() / 1000);
  return JSON.stringify({
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    api_app_id: APP_ID,
    event: { event_ts: `${eventTime}.000100`, ...event },
    type: "event_callback",
    event_id: options.eventId ?? `Ev${String(nextSequence()).padStart(8, "0")}`,
    event_time: eventTime,
    authorizations: [
      {
        enterprise_id: null,
        team_id: teamId,
        user_id: BOT_USER_ID,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
  });
}

export interface PostSignedOptions extends SignOptions {
  omitSignature?: boolean;
  signatureOverride?: string;
}

/** POSTs `rawBody` signed like Slack would; `json` is set when the answer parses as JSON. */
export async function postSigned(
  url: string,
  signingSecret: string,
  rawBody: string,
  contentType: string,
  options: PostSignedOptions = {},
): Promise<{ status: number; body: string; json?: unknown }> {
  const { omitSignature, signatureOverride, ...signOptions } = options;
  const headers = signedHeaders(signingSecret, rawBody, contentType, signOptions);
  if (signatureOverride !== undefined) headers["x-slack-signature"] = signatureOverride;
  if (omitSignature) delete headers["x-slack-signature"];
  const response = await fetch(url, { method: "POST", headers, body: rawBody });
  const body = await response.text();
  try {
    return { status: response.status, body, json: JSON.parse(body) };
  } catch {
    return { status: response.status, body };
  }
}

function slackUser(userId: string): Record<string, unknown> {
  const name = userName(userId);
  return { id: userId, username: name, name, team_id: TEAM_ID };
}

function userName(userId: string): string {
  return `user-${userId.toLowerCase()}`;
}

/** What Slack sends as someone types into an external_select in a modal (`block_suggestion`). */
export function blockSuggestionPayload(opts: {
  userId: string;
  value: string;
  actionId: string;
  blockId: string;
  viewCallbackId?: string;
}): Record<string, unknown> {
  return {
    type: "block_suggestion",
    user: slackUser(opts.userId),
    container: { type: "view", view_id: "V0PICKER" },
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    action_id: opts.actionId,
    block_id: opts.blockId,
    value: opts.value,
    team: { id: TEAM_ID, domain: TEAM_DOMAIN },
    enterprise: null,
    is_enterprise_install: false,
    view: {
      id: "V0PICKER",
      team_id: TEAM_ID,
      type: "modal",
      callback_id: opts.viewCallbackId ?? "",
      private_metadata: "",
      blocks: [],
      state: { values: {} },
      hash: "1700000000.pickerhash",
      app_id: APP_ID,
      bot_id: BOT_ID,
    },
  };
}

/** A global shortcut (the ⚡ menu): no channel, no response_url. */
export function globalShortcutPayload(opts: {
  userId: string;
  callbackId: string;
  triggerId?: string;
}): Record<string, unknown> {
  return {
    type: "shortcut",
    token: VERIFICATION_TOKEN,
    action_ts: actionTs(),
    team: { id: TEAM_ID, domain: TEAM_DOMAIN },
    user: slackUser(opts.userId),
    is_enterprise_install: false,
    enterprise: null,
    callback_id: opts.callbackId,
    trigger_id: opts.triggerId ?? triggerId(),
  };
}

/** A message shortcut: the message it was used on, its channel, and a response_url. */
export function messageShortcutPayload(opts: {
  userId: string;
  callbackId: string;
  text: string;
  responseUrl: string;
  channelId?: string;
  messageTs?: string;
  triggerId?: string;
}): Record<string, unknown> {
  const channelId = opts.channelId ?? DEFAULT_CHANNEL_ID;
  const ts = opts.messageTs ?? "1700000123.004500";
  return {
    type: "message_action",
    token: VERIFICATION_TOKEN,
    action_ts: actionTs(),
    team: { id: TEAM_ID, domain: TEAM_DOMAIN },
    user: slackUser(opts.userId),
    channel: { id: channelId, name: "customer-ops" },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: opts.callbackId,
    trigger_id: opts.triggerId ?? triggerId(),
    response_url: opts.responseUrl,
    message_ts: ts,
    message: { type: "message", user: "UCUSTOMER1", ts, text: opts.text },
  };
}
