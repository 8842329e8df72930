import type { MrkdwnElement, PlainTextElement } from "@slack/types";

/** Escapes the three characters Slack treats as control sequences in mrkdwn. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Cuts text to a Block Kit limit, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function plain(text: string, max = 3000): PlainTextElement {
  return { type: "plain_text", text: clip(text || " ", max), emoji: true };
}

export function mrkdwn(text: string, max = 3000): MrkdwnElement {
  return { type: "mrkdwn", text: clip(text || " ", max) };
}

/** A date Slack renders in the viewer's own time zone, with a UTC fallback. */
export function slackDate(date: Date): string {
  const seconds = Math.floor(date.getTime() / 1000);
  const fallback = `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return `<!date^${seconds}^{date_short_pretty} {time}|${fallback}>`;
}
