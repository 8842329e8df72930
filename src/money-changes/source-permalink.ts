import { z } from "zod";
import { AppError } from "../errors/app-error.js";

export const maxPermalinkLength = 500;

/**
 * A Slack message permalink (what `chat.getPermalink` answers): https, on `slack.com` or one of its
 * subdomains, no credentials or port, and already in the URL's canonical form (so nothing a parser
 * would drop or rewrite, such as control characters or a backslash, is ever stored or shown).
 */
function isSlackPermalink(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (
    url.protocol === "https:" &&
    url.username === "" &&
    url.password === "" &&
    url.port === "" &&
    (url.hostname === "slack.com" || url.hostname.endsWith(".slack.com")) &&
    url.href === text
  );
}

export const sourcePermalinkSchema = z
  .string()
  .max(maxPermalinkLength)
  .refine(isSlackPermalink)
  .optional();

/** Where a money change came from, as its callers may give it (the message shortcut does). */
export interface ChangeSource {
  /** The permalink of the Slack message the change was asked from. */
  sourcePermalink?: string;
}

/**
 * The source checked at the service boundary: refused before anything is read or changed when the
 * link is not a Slack message permalink. Answers the fields to store (none when there is no link).
 */
export function checkedSource(source: ChangeSource): { sourcePermalink?: string } {
  const parsed = sourcePermalinkSchema.safeParse(source.sourcePermalink);
  if (!parsed.success)
    throw new AppError(
      "invalid_input",
      `That message link is not a Slack message permalink (https://….slack.com/archives/…, at most ${maxPermalinkLength} characters). Nothing was changed.`,
    );
  return parsed.data === undefined ? {} : { sourcePermalink: parsed.data };
}
