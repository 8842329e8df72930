import { describe, expect, it } from "vitest";
import { normalizeUserText } from "../../src/text/user-text.js";
import { invisibleCharacters } from "../support/invisible-characters.js";

describe("normalizeUserText", () => {
  it.each(
    invisibleCharacters.map((character) => [JSON.stringify(character).slice(1, -1), character]),
  )("removes %s, which shows nothing", (_, character) => {
    expect(normalizeUserText(`ana${character}@example.com`, "command")).toBe("ana@example.com");
    expect(normalizeUserText(character, "command")).toBe("");
  });

  it("keeps what is visible: NFC, whitespace folded, trimmed", () => {
    expect(normalizeUserText("  Cafe\u0301   au\tlait ", "command")).toBe("Café au lait");
  });

  it("refuses control characters and the bidirectional controls that reorder what is shown", () => {
    expect(() => normalizeUserText("ana\u0007", "command")).toThrow(
      "The command contains control characters; type it as plain text.",
    );
    expect(() => normalizeUserText("ana\u202Eexample", "command")).toThrow(/control characters/);
    expect(() => normalizeUserText("ana\u2067example", "command")).toThrow(/control characters/);
  });
});
