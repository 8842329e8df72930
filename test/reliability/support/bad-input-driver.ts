/**
 * Drives the real app the way Slack does, and reads back what the person would see: the answer on
 * the request's response_url, the modal it opened (by trigger_id), or the modal acknowledgement
 * (`response_action: errors | update`). Button values may be anything a forged payload carries.
 */
import { slackEventsPath } from "../../../src/app/http-server.js";
import { type Harness, type SentView, signingSecret } from "../../support/app-harness.js";
import type { RecordedResponse } from "../../support/slack/fake-slack-api.js";
import {
  blockActionsPayload,
  formContentType,
  interactionBody,
  postSigned,
  viewSubmissionPayload,
} from "../../support/slack/sign-request.js";
import { visibleText } from "../../support/slack-blocks.js";

let sequence = 0;

/** A trigger_id no other request uses, so the modal a request opens can be found by it. */
export function freshTriggerId(): string {
  sequence += 1;
  return `${1_800_000_000 + sequence}.${process.pid}.reliability${sequence}`;
}

export type AnswerKind =
  /** A message on the response_url (ephemeral answer, or a replacement). */
  | "message"
  /** views.open with this request's trigger. */
  | "modal-opened"
  /** A modal submission acknowledged with errors on its fields. */
  | "field-errors"
  /** A modal submission acknowledged by replacing the modal. */
  | "modal-update"
  /** A modal submission acknowledged with nothing (the answer went to the form's response_url). */
  | "acked"
  | "none";

export interface Answer {
  kind: AnswerKind;
  /** Everything a person reads: text, blocks, field errors. */
  text: string;
  fieldErrors?: Record<string, string>;
  modal?: SentView;
  response?: RecordedResponse;
  httpStatus?: number;
}

function messageText(body: Record<string, unknown>): string {
  return [typeof body.text === "string" ? body.text : "", visibleText(body.blocks)]
    .filter(Boolean)
    .join("\n");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits (polling, so nothing is left waiting afterwards) for the first answer to a request: a new
 * post to `responseUrl`, or a modal opened with `triggerId`.
 */
export async function answerTo(
  harness: Harness,
  where: { responseUrl?: string; triggerId?: string; after?: number },
  timeoutMs = 3000,
): Promise<Answer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (where.responseUrl) {
      const response = harness.slack.responsesTo(where.responseUrl)[where.after ?? 0];
      if (response) return { kind: "message", text: messageText(response.body), response };
    }
    if (where.triggerId) {
      const call = harness.slack
        .callsTo("views.open")
        .find((candidate) => candidate.args.trigger_id === where.triggerId);
      if (call) {
        const modal = call.args.view as SentView;
        return { kind: "modal-opened", text: visibleText(modal.blocks), modal };
      }
    }
    if (Date.now() > deadline) return { kind: "none", text: "" };
    await sleep(1);
  }
}

/** `/customer TEXT` as `userId`. */
export async function runCommand(harness: Harness, userId: string, text: string): Promise<Answer> {
  const triggerId = freshTriggerId();
  const { status, responseUrl } = await harness.command(userId, text, { triggerId });
  if (status !== 200) return { kind: "none", text: "", httpStatus: status };
  return answerTo(harness, { responseUrl, triggerId });
}

/** What a forged or real button click carries; `value` may be of any type a payload can hold. */
export interface Press {
  action_id: string;
  value?: unknown;
  block_id?: string;
  /** Extra keys on the action object. */
  extra?: Record<string, unknown>;
}

/** Clicks a button on an ephemeral message (with a fresh response_url and trigger_id). */
export async function pressButton(
  harness: Harness,
  userId: string,
  press: Press,
  options: { responseUrl?: string } = {},
): Promise<Answer> {
  const triggerId = freshTriggerId();
  const responseUrl = options.responseUrl ?? harness.slack.responseUrl();
  const after = harness.slack.responsesTo(responseUrl).length;
  const action: Record<string, unknown> = {
    action_id: press.action_id,
    type: "button",
    ...(press.block_id === undefined ? {} : { block_id: press.block_id }),
    ...(press.value === undefined ? {} : { value: press.value }),
    ...press.extra,
  };
  const payload = blockActionsPayload({
    userId,
    responseUrl,
    triggerId,
    action: action as Parameters<typeof blockActionsPayload>[0]["action"],
  });
  const { status } = await postSigned(
    `${harness.baseUrl}${slackEventsPath}`,
    signingSecret,
    interactionBody(payload),
    formContentType,
  );
  if (status !== 200) return { kind: "none", text: "", httpStatus: status };
  return answerTo(harness, { responseUrl, triggerId, after });
}

/** The person's view of a modal submission's acknowledgement (and, when acked empty, of the form's answer). */
export async function answerToSubmission(
  harness: Harness,
  ack: { status: number; json?: unknown },
  responseUrl?: string,
  after = 0,
): Promise<Answer> {
  if (ack.status !== 200) return { kind: "none", text: "", httpStatus: ack.status };
  const json = ack.json as
    | { response_action?: string; errors?: Record<string, string>; view?: SentView }
    | undefined;
  if (json?.response_action === "errors")
    return {
      kind: "field-errors",
      text: Object.values(json.errors ?? {}).join("\n"),
      fieldErrors: json.errors ?? {},
    };
  if (json?.response_action === "update" && json.view)
    return { kind: "modal-update", text: visibleText(json.view.blocks), modal: json.view };
  if (responseUrl) {
    const answer = await answerTo(harness, { responseUrl, after });
    if (answer.kind !== "none") return answer;
  }
  return { kind: "acked", text: "" };
}

/** A view exactly as Slack would submit it; `state` is sent as given (blocks may be missing). */
export interface HandMadeView {
  callback_id: string;
  private_metadata?: string;
  blocks?: unknown[];
  state: { values: Record<string, Record<string, unknown>> };
}

let viewSequence = 0;

/** Submits a hand-made view (any blocks, state and metadata) as `userId`. */
export async function submitHandMade(
  harness: Harness,
  userId: string,
  view: HandMadeView,
  responseUrl?: string,
): Promise<Answer> {
  viewSequence += 1;
  const after = responseUrl ? harness.slack.responsesTo(responseUrl).length : 0;
  const body = interactionBody(
    viewSubmissionPayload({
      userId,
      view: {
        blocks: [],
        ...view,
        id: `VHAND${process.pid}${viewSequence}`,
      } as Parameters<typeof viewSubmissionPayload>[0]["view"],
    }),
  );
  const ack = await postSigned(
    `${harness.baseUrl}${slackEventsPath}`,
    signingSecret,
    body,
    formContentType,
  );
  return answerToSubmission(harness, ack, responseUrl, after);
}

/** Fills a modal the app opened (block_id → text or option value) and submits it, like a person. */
export async function submitOpenedModal(
  harness: Harness,
  userId: string,
  view: SentView,
  values: Record<string, string>,
  options: { privateMetadata?: string; responseUrl?: string } = {},
): Promise<Answer> {
  const responseUrl = options.responseUrl ?? responseUrlOf(view);
  const after = responseUrl ? harness.slack.responsesTo(responseUrl).length : 0;
  const submitted =
    options.privateMetadata === undefined
      ? view
      : { ...view, private_metadata: options.privateMetadata };
  const ack = await harness.submitModal(userId, submitted, values);
  return answerToSubmission(harness, ack, responseUrl, after);
}

/** The response_url a modal's metadata says to answer on (undefined when opened from App Home). */
export function responseUrlOf(view: SentView): string | undefined {
  try {
    const metadata = JSON.parse(view.private_metadata ?? "") as { responseUrl?: unknown };
    return typeof metadata.responseUrl === "string" ? metadata.responseUrl : undefined;
  } catch {
    return undefined;
  }
}

/** The Slack state.values an input of each kind sends (for hand-made views). */
export const stateValue = {
  text: (value: unknown) => ({ value: { type: "plain_text_input", value } }),
  select: (value: unknown) => ({
    value: {
      type: "static_select",
      selected_option: value === null ? null : { value, text: { type: "plain_text", text: "x" } },
    },
  }),
};

/**
 * What must never reach a person: the generic error, a stack trace, an error class or a file path.
 * Returns one line per problem found in `text`.
 */
export function leaksIn(text: string): string[] {
  const problems: string[] = [];
  if (/something went wrong/i.test(text)) problems.push("generic “something went wrong” answer");
  if (
    /(^|\n)\s*at\s+\S+.*:\d+(:\d+)?\)?\s*($|\n)/.test(text) ||
    /\bat\s+\S+\s+\([^)]*:\d+/.test(text)
  )
    problems.push("stack trace");
  if (/\b\w*Error:|\bE11000\b|MongoServerError|ZodError|\[object Object\]/.test(text))
    problems.push("error class or driver error");
  if (/(file:\/\/|node_modules|\/work\/|\/src\/|\.(ts|js|mjs|cjs):\d+)/.test(text))
    problems.push("file path");
  return problems;
}
