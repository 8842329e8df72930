import { describe, expect, it } from "vitest";
import { buildErrorNotice } from "../../src/blocks/message.js";
import { personRef } from "../../src/errors/app-error.js";

describe("error notices", () => {
  it("show people a domain message names as Slack mentions, after a warning sign", () => {
    const notice = buildErrorNotice(
      `This request is already approved by ${personRef("UMANAGER01")}; nothing more was changed.`,
    );
    expect(String(notice.text)).toBe(
      ":warning: This request is already approved by <@UMANAGER01>; nothing more was changed.",
    );
    expect(JSON.stringify(notice.blocks)).toContain("<@UMANAGER01>");
  });
});
