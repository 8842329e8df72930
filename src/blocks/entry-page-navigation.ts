import type { ActionsBlock } from "@slack/types";
import type { KeysetPage, PageAnchor } from "../db/keyset-page.js";
import { encodeEntryPage } from "./entry-page-value.js";
import { cursorNavigation } from "./page-navigation.js";

/** Previous/Next under one page of a customer's entries (billing details, history), by cursor. */
export function entryPageNavigation(
  ids: { actionId: string; blockId: string },
  customerId: string,
  shown: KeysetPage<unknown>,
  page: number,
): ActionsBlock | null {
  const cursorValue = (anchor: PageAnchor | null, toward: "older" | "newer", target: number) =>
    anchor
      ? encodeEntryPage({ customerId, cursor: { ...anchor, toward, page: Math.max(1, target) } })
      : undefined;
  return cursorNavigation(ids, {
    previous: cursorValue(shown.newer, "newer", page - 1),
    next: cursorValue(shown.older, "older", page + 1),
  });
}
