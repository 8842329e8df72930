import type { MrkdwnElement, PlainTextElement } from "@slack/types";
import { clip, clipMd, type Mrkdwn } from "./mrkdwn.js";

export function plain(text: string, max = 3000): PlainTextElement {
  return { type: "plain_text", text: clip(text || " ", max), emoji: true };
}

/** A mrkdwn text object; only built mrkdwn goes in (see mrkdwn.ts), cut where no entity or token breaks. */
export function mrkdwn(text: Mrkdwn, max = 3000): MrkdwnElement {
  return { type: "mrkdwn", text: clipMd(text, max).toString() || " " };
}
