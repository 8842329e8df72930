import type { ActionsBlock, Button } from "@slack/types";
import { plain } from "./text.js";

/**
 * Previous/Next with the values given: action_ids `ACTION:previous` / `ACTION:next`, a button for
 * each value present. Null when there is neither.
 */
export function cursorNavigation(
  ids: { actionId: string; blockId: string },
  values: { previous?: string | undefined; next?: string | undefined },
): ActionsBlock | null {
  const button = (label: "Previous" | "Next", value: string): Button => ({
    type: "button",
    action_id: `${ids.actionId}:${label.toLowerCase()}`,
    text: plain(label),
    value,
  });
  const buttons: Button[] = [];
  if (values.previous !== undefined) buttons.push(button("Previous", values.previous));
  if (values.next !== undefined) buttons.push(button("Next", values.next));
  return buttons.length > 0 ? { type: "actions", block_id: ids.blockId, elements: buttons } : null;
}
