/**
 * Text Slack reads as mrkdwn. A `Mrkdwn` is made only here: by the `md` tag, which escapes every
 * string put into it, and by the helpers for the markup the bot writes itself (mentions, channel
 * links, links, dates, code). So customer data, reasons and error messages can reach Slack only as
 * text: never as `<!channel>`, a mention or a link, and never as a line of their own.
 */

let make: (text: string) => Mrkdwn;

export class Mrkdwn {
  readonly #text: string;

  private constructor(text: string) {
    this.#text = text;
  }

  static {
    make = (text) => new Mrkdwn(text);
  }

  get length(): number {
    return this.#text.length;
  }

  toString(): string {
    return this.#text;
  }

  toJSON(): string {
    return this.#text;
  }
}

/** What `md` takes: strings and numbers are data (escaped, on one line); fragments are inserted as built. */
export type MdValue = string | number | Mrkdwn;

// biome-ignore lint/suspicious/noControlCharactersInRegex: vertical tab and form feed are line breaks to fold
const lineBreaks = /\r\n|[\n\r\u000B\u000C\u0085\u2028\u2029]/g;

/** Data as mrkdwn: `&`, `<` and `>` escaped, every line break folded into a space. */
export function escaped(text: string): Mrkdwn {
  return make(
    text
      .replace(lineBreaks, " ")
      .replaceAll("&", "&amp;")
      .replaceAll("<", "&lt;")
      .replaceAll(">", "&gt;"),
  );
}

function fragment(value: MdValue): Mrkdwn {
  return value instanceof Mrkdwn ? value : escaped(String(value));
}

/** The mrkdwn template: md`Balance of *${account}*: ${amount}` escapes `account`; literal parts are the bot's. */
export function md(literals: TemplateStringsArray, ...values: MdValue[]): Mrkdwn {
  let text = literals[0] ?? "";
  values.forEach((value, index) => {
    text += fragment(value).toString() + (literals[index + 1] ?? "");
  });
  return make(text);
}

/** Fragments one after another, `separator` (a line break unless given) between them. */
export function joinMd(parts: readonly MdValue[], separator: Mrkdwn = make("\n")): Mrkdwn {
  return make(parts.map((part) => fragment(part).toString()).join(separator.toString()));
}

/** Cuts raw text to `max` characters, marking the cut (for plain text, or before escaping). */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Data clipped to `max` characters as the reader sees them, then escaped: no entity is ever cut. */
export function clipped(text: string, max: number): Mrkdwn {
  return escaped(clip(text, max));
}

/**
 * Cuts built mrkdwn to `max` characters without ending inside an entity (`&amp;`) or a token
 * (`<@U…>`, `<url|label>`, a date): the cut backs off to before whichever is still open.
 */
export function clipMd(text: Mrkdwn, max: number): Mrkdwn {
  const whole = text.toString();
  if (whole.length <= max) return text;
  let cut = whole.slice(0, max - 1);
  for (;;) {
    const entity = cut.lastIndexOf("&");
    const token = cut.lastIndexOf("<");
    const openEntity = entity >= 0 && !cut.includes(";", entity) ? entity : -1;
    const openToken = token >= 0 && !cut.includes(">", token) ? token : -1;
    const open = Math.max(openEntity, openToken);
    if (open < 0) break;
    cut = cut.slice(0, open);
  }
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return make(`${cut}…`);
}

const slackUserId = /^[UW][A-Z0-9]+$/;

/** A mention for a Slack user ID; anything else (e.g. the console's actor name) as code text. */
export function mention(userId: string): Mrkdwn {
  return slackUserId.test(userId) ? make(`<@${userId}>`) : code(userId);
}

/** A link to a channel by its ID. */
export function channelLink(channelId: string): Mrkdwn {
  return /^[CG][A-Z0-9]+$/.test(channelId) ? make(`<#${channelId}>`) : code(channelId);
}

/** Data in a code span, on one line. */
export function code(text: string): Mrkdwn {
  return md`\`${text}\``;
}

/** Data in a code block (e.g. a password or a link to copy). */
export function codeBlock(text: string): Mrkdwn {
  return md`\`\`\`${text}\`\`\``;
}

/** A date Slack renders in the viewer's own time zone, with a UTC fallback. */
export function slackDate(date: Date): Mrkdwn {
  const seconds = Math.floor(date.getTime() / 1000);
  const fallback = `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return make(`<!date^${seconds}^{date_short_pretty} {time}|${fallback}>`);
}

/**
 * A link to an absolute http(s) URL, labelled with data. Nothing in the URL can end the token or
 * start another: `|`, `<` and `>` are percent-encoded and `&` written as `&amp;` (as Slack expects).
 * Anything else than an http(s) URL gives the label alone, unlinked.
 */
export function link(url: string, label: string): Mrkdwn {
  if (!URL.canParse(url)) return escaped(label);
  const { protocol, href } = new URL(url);
  if (protocol !== "https:" && protocol !== "http:") return escaped(label);
  const safe = href
    .replaceAll("|", "%7C")
    .replaceAll("<", "%3C")
    .replaceAll(">", "%3E")
    .replaceAll("&", "&amp;");
  return make(`<${safe}|${escaped(label).toString()}>`);
}
