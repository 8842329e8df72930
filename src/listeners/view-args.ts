import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import type { ModalView } from "@slack/types";
import type { SlackMessage } from "../blocks/message.js";
import { plain } from "../blocks/text.js";

export type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** The submitted value of each input block (block_id = field name), as plain strings. */
export function submittedValues(args: ViewArgs): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [blockId, actions] of Object.entries(args.view.state.values ?? {})) {
    for (const action of Object.values(actions ?? {})) {
      const value =
        (action as { value?: unknown; selected_option?: { value?: unknown } | null })
          .selected_option?.value ?? (action as { value?: unknown }).value;
      if (typeof value === "string") values[blockId] = value;
    }
  }
  return values;
}

/** A modal that replaces the submitted one to show a result or an error (for forms opened without a message to answer in). */
export function resultModal(title: string, message: SlackMessage): ModalView {
  return {
    type: "modal",
    title: plain(title, 24),
    close: plain("Close", 24),
    blocks: message.blocks,
  };
}
