import { describe, expect, it } from "vitest";
import type { SlackMessage } from "../../src/blocks/message.js";
import {
  channelLink,
  clip,
  clipMd,
  clipped,
  code,
  escaped,
  joinMd,
  link,
  md,
  mention,
  slackDate,
} from "../../src/blocks/mrkdwn.js";
import { mrkdwn } from "../../src/blocks/text.js";
import { endsMidToken } from "../support/mrkdwn-leaks.js";

describe("md, the mrkdwn template", () => {
  it("escapes &, < and > in every string put into it, so no data acts as a mention, @channel or link", () => {
    const account = "<!channel> <@U123> <https://evil.example|x> & co";
    expect(String(md`Balance of *${account}*`)).toBe(
      "Balance of *&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|x&gt; &amp; co*",
    );
  });

  it("inserts built fragments as they are, and numbers as text", () => {
    const who = mention("UMANAGER01");
    expect(String(md`Approved by ${who} (${3} of ${code("a<b")})`)).toBe(
      "Approved by <@UMANAGER01> (3 of `a&lt;b`)",
    );
  });

  it("folds every kind of line break in data into a space, keeping the bot's own line breaks", () => {
    const breaks = ["\r\n", "\r", "\n", "\u2028", "\u2029", "\u0085", "\u000B", "\u000C"];
    for (const lineBreak of breaks) {
      expect(String(md`Reason: _${`x${lineBreak}:white_check_mark: Approved`}_\nnext`)).toBe(
        "Reason: _x :white_check_mark: Approved_\nnext",
      );
    }
  });

  it("escapes a string once, however it is nested", () => {
    expect(String(md`${md`${md`${"&"}`}`}`)).toBe("&amp;");
    expect(String(escaped("a\nb & c"))).toBe("a b &amp; c");
  });

  it("joins fragments with a line break, or with the separator given", () => {
    expect(String(joinMd([md`*a*`, "<b>"]))).toBe("*a*\n&lt;b&gt;");
    expect(String(joinMd([md`a`, md`b`], md` · `))).toBe("a · b");
  });

  it("is the only way to a message's text or a mrkdwn object: a raw string does not compile", () => {
    // @ts-expect-error a raw string is not mrkdwn
    const message: SlackMessage = { text: "<!channel>", blocks: [] };
    // @ts-expect-error a raw string is not mrkdwn
    expect(() => mrkdwn("<!channel>")).toBeDefined();
    expect(JSON.stringify({ text: md`${"<!here>"}` })).toBe('{"text":"&lt;!here&gt;"}');
    expect(message.blocks).toEqual([]);
  });
});

describe("the bot's own markup", () => {
  it("mentions Slack user IDs and shows anything else as code", () => {
    expect(String(mention("U0123ABCD"))).toBe("<@U0123ABCD>");
    expect(String(mention("console:<!channel>"))).toBe("`console:&lt;!channel&gt;`");
    expect(String(channelLink("CAPPROVALS1"))).toBe("<#CAPPROVALS1>");
    expect(String(channelLink("<!here>"))).toBe("`&lt;!here&gt;`");
  });

  it("writes dates as Slack date tokens with a UTC fallback", () => {
    expect(String(slackDate(new Date(Date.UTC(2026, 0, 2, 3, 4))))).toBe(
      "<!date^1767323040^{date_short_pretty} {time}|2026-01-02 03:04 UTC>",
    );
  });
});

describe("links", () => {
  it("write the URL so nothing in it ends the link or starts a token, and the label as data", () => {
    expect(String(link("https://acme.slack.com/a|b>c?x=1&y=<!channel>", "see <@U1> | here"))).toBe(
      "<https://acme.slack.com/a%7Cb%3Ec?x=1&amp;y=%3C!channel%3E|see &lt;@U1&gt; | here>",
    );
  });

  it("give the label alone, unlinked, for anything but an absolute http(s) URL", () => {
    for (const url of ["javascript:alert(1)", "slack://open", "/archives/C1", "", "<!channel>"])
      expect(String(link(url, "from <this>"))).toBe("from &lt;this&gt;");
  });
});

describe("clipping", () => {
  it("clips data before escaping it, so an entity is never cut", () => {
    expect(String(clipped("&&&&&", 3))).toBe("&amp;&amp;…");
    expect(clip("short", 10)).toBe("short");
    expect(clip("😀😀😀", 4)).toBe("😀…");
  });

  it("cuts built mrkdwn at any length without ending inside an entity, a mention, a link or a date", () => {
    const text = md`${"a&b<c>"} ${mention("UMANAGER01")} ${slackDate(new Date(0))} ${"&&"} ${channelLink("C1")}`;
    for (let max = 1; max <= text.length + 1; max += 1) {
      const cut = String(clipMd(text, max));
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(endsMidToken(cut), `cut at ${max}: ${cut}`).toBe(false);
    }
  });

  it("mrkdwn objects are cut the same safe way, to Slack's limit", () => {
    const element = mrkdwn(md`${"&".repeat(1000)}`);
    expect(element.text.length).toBeLessThanOrEqual(3000);
    expect(endsMidToken(element.text)).toBe(false);
  });
});
