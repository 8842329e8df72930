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
  return previousNextButtons(ids, {
    previous: page > 0 ? valueFor(page - 1) : null,
    next: page + 1 < pageCount ? valueFor(page + 1) : null,
  });
}

/**
 * Previous/Next with the given values (action_ids `ACTION:previous` / `ACTION:next`), each only
 * when it has a value (a cursor); null when neither has.
 */
export function previousNextButtons(
  ids: { actionId: string; blockId: string },
  values: { previous: string | null; next: string | null },
): ActionsBlock | null {
  const button = (label: "Previous" | "Next", value: string): Button => ({
    type: "button",
    action_id: `${ids.actionId}:${label.toLowerCase()}`,
    text: plain(label),
    value,
  });
  const buttons: Button[] = [];
  if (values.previous !== null) buttons.push(button("Previous", values.previous));
  if (values.next !== null) buttons.push(button("Next", values.next));
  return buttons.length > 0 ? { type: "actions", block_id: ids.blockId, elements: buttons } : null;
}
