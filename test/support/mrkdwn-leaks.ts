/**
 * Where Slack reads markup in what the app sends: a message's `text` and every `mrkdwn` text object.
 * (Plain text, form values and button values are shown as typed, so markup there does nothing.)
 */
export function mrkdwnTexts(payload: unknown): string[] {
  const found: string[] = [];
  const visit = (node: unknown, isMessage: boolean): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child, false);
      return;
    }
    if (!node || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    if (typeof record.text === "string" && (isMessage || record.type === "mrkdwn"))
      found.push(record.text);
    for (const value of Object.values(record)) visit(value, false);
  };
  visit(payload, true);
  return found;
}

/** Markup the tests put into customer data; none of it may reach Slack where Slack would act on it. */
export const injectedMarkup = [
  "<!channel>",
  "<!here>",
  "<!everyone>",
  "<@U123>",
  "<@U1>",
  "<https://evil.example|",
];

/** Each injected token found raw in a payload's mrkdwn, with the text it is in. */
export function rawMarkupIn(payload: unknown): string[] {
  return mrkdwnTexts(payload).flatMap((text) =>
    injectedMarkup.filter((token) => text.includes(token)).map((token) => `${token} in “${text}”`),
  );
}

/** Whether mrkdwn ends with an entity (`&amp;`) or a `<…>` token cut open. */
export function endsMidToken(text: string): boolean {
  return /[&<]/.test(text.replace(/&(amp|lt|gt);/g, "").replace(/<[^<>]*>/g, ""));
}
