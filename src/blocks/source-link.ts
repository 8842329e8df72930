import { link, type Mrkdwn, md } from "./mrkdwn.js";

/**
 * "from this conversation", linking the Slack message a request or change was asked from; null for
 * one asked from no message (and for every record written before links were kept).
 */
export function fromConversation(sourcePermalink: string | undefined): Mrkdwn | null {
  return sourcePermalink
    ? md`:speech_balloon: ${link(sourcePermalink, "from this conversation")}`
    : null;
}
