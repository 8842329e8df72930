import { slackEventsPath } from "../../src/app/http-server.js";
import { actionIds, viewIds } from "../../src/blocks/action-ids.js";
import { type Harness, type SentView, signingSecret, stateFor } from "./app-harness.js";
import {
  blockSuggestionPayload,
  formContentType,
  interactionBody,
  postSigned,
} from "./slack/sign-request.js";

export interface PickerOption {
  text: { text: string };
  value: string;
}

/** Sends a signed interaction payload as Slack would; resolves with what the app acked. */
export async function sendInteraction(harness: Harness, payload: Record<string, unknown>) {
  return postSigned(
    `${harness.baseUrl}${slackEventsPath}`,
    signingSecret,
    interactionBody(payload),
    formContentType,
  );
}

/** Types `value` into the customer picker as `userId`: the options the app answered with. */
export async function typeIntoPicker(
  harness: Harness,
  userId: string,
  value: string,
): Promise<PickerOption[]> {
  const { status, json } = await sendInteraction(
    harness,
    blockSuggestionPayload({
      userId,
      value,
      actionId: actionIds.customerPicker,
      blockId: viewIds.customer,
    }),
  );
  if (status !== 200) throw new Error(`block_suggestion answered HTTP ${status}`);
  return (json as { options: PickerOption[] }).options;
}

/**
 * Submits a form the app opened with the picker: `pick` is the option Slack sends back (its value
 * is whatever the payload says — a test may forge it), the other fields as `stateFor` fills them.
 */
export function submitWithPick(
  harness: Harness,
  userId: string,
  view: SentView,
  pick: { value: string; text?: string },
  values: Record<string, string> = {},
) {
  const state = stateFor(view, values);
  state[viewIds.customer] = {
    [actionIds.customerPicker]: {
      type: "external_select",
      selected_option: {
        value: pick.value,
        text: { type: "plain_text", text: pick.text ?? pick.value },
      },
    },
  };
  return harness.submitView(userId, {
    ...(view as object),
    callback_id: view.callback_id ?? "",
    private_metadata: view.private_metadata,
    id: `VPICK${Math.floor(Math.random() * 1e9)}`,
    state: { values: state },
  } as Parameters<Harness["submitView"]>[1]);
}
