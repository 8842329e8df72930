import type { ActionsBlock, Button } from "@slack/types";
import { plain } from "./text.js";

/**
 * Previous/Next under one page of a list: action_ids `ACTION:previous` / `ACTION:next`, each button
 * carrying `valueFor(itsPage)`. Null when there is no other page.
 */
export function pageNavigation(
  ids: { actionId: string; blockId: string },
  page: number,
  pageCount: number,
  valueFor: (page: number) => string,
): ActionsBlock | null {
  const button = (label: "Previous" | "Next", target: number): Button => ({
    type: "button",
    action_id: `${ids.actionId}:${label.toLowerCase()}`,
    text: plain(label),
    value: valueFor(target),
  });
  const buttons: Button[] = [];
  if (page > 0) buttons.push(button("Previous", page - 1));
  if (page + 1 < pageCount) buttons.push(button("Next", page + 1));
  return buttons.length > 0 ? { type: "actions", block_id: ids.blockId, elements: buttons } : null;
}
