import { describe, expect, it } from "vitest";
import {
  assertWithinBlockKitLimits,
  type BlockKitPayload,
  blockKitViolations,
  type Surface,
} from "./block-kit-limits.js";

const chars = (n: number) => "x".repeat(n);
const plain = (text: string) => ({ type: "plain_text", text });
const mrkdwn = (text: string) => ({ type: "mrkdwn", text });
const section = (text = "hello", extra: Record<string, unknown> = {}) => ({
  type: "section",
  text: mrkdwn(text),
  ...extra,
});
const button = (actionId: string, extra: Record<string, unknown> = {}) => ({
  type: "button",
  action_id: actionId,
  text: plain("Go"),
  ...extra,
});
const option = (text: string, value: string) => ({ text: plain(text), value });
const actions = (...elements: unknown[]) => ({ type: "actions", elements });
const input = (element: unknown, extra: Record<string, unknown> = {}) => ({
  type: "input",
  label: plain("Name"),
  element,
  ...extra,
});
const modal = (blocks: unknown[], extra: Partial<BlockKitPayload> = {}): BlockKitPayload => ({
  title: plain("Customer"),
  submit: plain("Save"),
  close: plain("Cancel"),
  blocks,
  ...extra,
});
const message = (blocks: unknown[]): BlockKitPayload => ({ text: "fallback", blocks });

describe("blockKitViolations", () => {
  const good: [string, Surface, BlockKitPayload][] = [
    [
      "a customer card message",
      "message",
      message([
        { type: "header", block_id: "head", text: plain("Acme Corp") },
        {
          type: "section",
          fields: [mrkdwn("*Plan*\nPro"), mrkdwn("*Seats*\n12")],
          accessory: {
            type: "overflow",
            action_id: "more",
            options: [option("Rename", "rename"), option("Archive", "archive")],
          },
        },
        { type: "divider" },
        {
          type: "context",
          elements: [
            { type: "image", image_url: "https://example.com/a.png", alt_text: "logo" },
            mrkdwn("Updated today"),
          ],
        },
        actions(
          button("edit", { style: "primary", value: "c1" }),
          button("delete", {
            style: "danger",
            confirm: {
              title: plain("Delete?"),
              text: mrkdwn("This cannot be undone."),
              confirm: plain("Delete"),
              deny: plain("Keep"),
            },
          }),
          {
            type: "static_select",
            action_id: "plan",
            placeholder: plain("Plan"),
            options: [option("Free", "free"), option("Pro", "pro")],
          },
        ),
        actions(button("edit")),
      ]),
    ],
    [
      "a modal at its limits",
      "modal",
      modal(
        [
          input(
            { type: "plain_text_input", action_id: "name", max_length: 3000 },
            { hint: plain(chars(2000)) },
          ),
          input({
            type: "checkboxes",
            action_id: "flags",
            options: [{ text: mrkdwn("*VIP*"), value: chars(150) }],
          }),
          ...Array.from({ length: 98 }, () => section()),
        ],
        {
          title: plain(chars(24)),
          private_metadata: chars(3000),
          callback_id: chars(255),
          external_id: chars(255),
        },
      ),
    ],
    [
      "a message at its limits",
      "message",
      {
        text: chars(40_000),
        blocks: [
          section(chars(3000), {
            block_id: chars(255),
            accessory: button(chars(255), { text: plain(chars(75)), value: chars(2000) }),
          }),
          ...Array.from({ length: 49 }, () => ({ type: "divider" })),
        ],
      },
    ],
    [
      "a home tab with 100 blocks",
      "home",
      { blocks: Array.from({ length: 100 }, () => section()) },
    ],
  ];

  it.each(good)("accepts %s", (_name, surface, payload) => {
    expect(blockKitViolations(surface, payload)).toEqual([]);
  });

  const bad: [string, Surface, BlockKitPayload, string[]][] = [
    [
      "too many message blocks",
      "message",
      message(Array.from({ length: 51 }, () => ({ type: "divider" }))),
      ["blocks: 51 blocks (max 50 in a message)"],
    ],
    [
      "too many modal blocks",
      "modal",
      modal(Array.from({ length: 101 }, () => ({ type: "divider" }))),
      ["blocks: 101 blocks (max 100 in a modal)"],
    ],
    [
      "too long message text",
      "message",
      { text: chars(40_001) },
      ["text: message text is 40001 chars (max 40000)"],
    ],
    [
      "a too long block_id",
      "message",
      message([section("hi", { block_id: chars(256) })]),
      ["blocks[0].block_id: block_id is 256 chars (max 255)"],
    ],
    [
      "a duplicate block_id",
      "home",
      { blocks: [section("a", { block_id: "b1" }), { type: "divider", block_id: "b1" }] },
      ['blocks[1].block_id: duplicate block_id "b1" (first at blocks[0])'],
    ],
    [
      "a too long action_id",
      "message",
      message([actions(button(chars(256)))]),
      ["blocks[0].elements[0].action_id: action_id is 256 chars (max 255)"],
    ],
    [
      "a duplicate action_id in a block",
      "message",
      message([actions(button("go"), button("go"))]),
      [
        'blocks[0].elements[1].action_id: duplicate action_id "go" in block (first at blocks[0].elements[0])',
      ],
    ],
    [
      "too long section text",
      "message",
      message([section(chars(3001))]),
      ["blocks[0].text: section text is 3001 chars (max 3000)"],
    ],
    [
      "too many and too long section fields",
      "message",
      message([
        {
          type: "section",
          fields: [mrkdwn(chars(2001)), ...Array.from({ length: 10 }, () => mrkdwn("f"))],
        },
      ]),
      [
        "blocks[0].fields[0]: section field is 2001 chars (max 2000)",
        "blocks[0].fields: section fields has 11 items (max 10)",
      ],
    ],
    [
      "a too long mrkdwn header",
      "message",
      message([{ type: "header", text: mrkdwn(chars(151)) }]),
      [
        "blocks[0].text: header text must be plain_text (got mrkdwn)",
        "blocks[0].text: header text is 151 chars (max 150)",
      ],
    ],
    [
      "too many context elements",
      "message",
      message([{ type: "context", elements: Array.from({ length: 11 }, () => plain("c")) }]),
      ["blocks[0].elements: context elements has 11 items (max 10)"],
    ],
    [
      "too many actions elements",
      "message",
      message([actions(...Array.from({ length: 26 }, (_, i) => button(`b${i}`)))]),
      ["blocks[0].elements: actions elements has 26 items (max 25)"],
    ],
    [
      "a button over every limit",
      "message",
      message([
        section("hi", {
          accessory: button("b", {
            text: mrkdwn(chars(80)),
            value: chars(2001),
            url: chars(3001),
            style: "secondary",
          }),
        }),
      ]),
      [
        "blocks[0].accessory.text: button text must be plain_text (got mrkdwn)",
        "blocks[0].accessory.text: button text is 80 chars (max 75)",
        "blocks[0].accessory.value: button value is 2001 chars (max 2000)",
        "blocks[0].accessory.url: button url is 3001 chars (max 3000)",
        'blocks[0].accessory.style: button style must be one of primary, danger (got "secondary")',
      ],
    ],
    [
      "a too wordy confirm dialog",
      "message",
      message([
        actions(
          button("b", {
            confirm: {
              title: plain(chars(101)),
              text: plain(chars(301)),
              confirm: plain(chars(31)),
              deny: plain(chars(31)),
            },
          }),
        ),
      ]),
      [
        "blocks[0].elements[0].confirm.title: confirm title is 101 chars (max 100)",
        "blocks[0].elements[0].confirm.text: confirm text is 301 chars (max 300)",
        "blocks[0].elements[0].confirm.confirm: confirm button text is 31 chars (max 30)",
        "blocks[0].elements[0].confirm.deny: deny button text is 31 chars (max 30)",
      ],
    ],
    [
      "a static_select over its limits",
      "modal",
      modal([
        actions({
          type: "static_select",
          action_id: "s",
          placeholder: plain(chars(151)),
          options: [
            option(chars(76), chars(151)),
            ...Array.from({ length: 100 }, () => option("o", "o")),
          ],
        }),
      ]),
      [
        "blocks[0].elements[0].placeholder: placeholder is 151 chars (max 150)",
        "blocks[0].elements[0].options: static_select options has 101 items (max 100)",
        "blocks[0].elements[0].options[0].text: option text is 76 chars (max 75)",
        "blocks[0].elements[0].options[0].value: option value is 151 chars (max 150)",
      ],
    ],
    [
      "an overflow with one option",
      "message",
      message([actions({ type: "overflow", action_id: "o", options: [option("a", "a")] })]),
      ["blocks[0].elements[0].options: overflow options has 1 items (min 2)"],
    ],
    [
      "an overflow with six options",
      "message",
      message([
        actions({
          type: "overflow",
          action_id: "o",
          options: Array.from({ length: 6 }, (_, i) => option(`o${i}`, `o${i}`)),
        }),
      ]),
      ["blocks[0].elements[0].options: overflow options has 6 items (max 5)"],
    ],
    [
      "an input block over its limits",
      "modal",
      modal([
        input(
          { type: "plain_text_input", action_id: "n", max_length: 3001 },
          { label: plain(chars(2001)), hint: plain(chars(2001)) },
        ),
      ]),
      [
        "blocks[0].label: input label is 2001 chars (max 2000)",
        "blocks[0].hint: input hint is 2001 chars (max 2000)",
        "blocks[0].element.max_length: max_length is 3001 (max 3000)",
      ],
    ],
    [
      "an input block without an element",
      "modal",
      modal([{ type: "input", label: plain("Name") }]),
      ["blocks[0].element: input block needs exactly one element"],
    ],
    [
      "an input block with several elements",
      "modal",
      modal([
        input(undefined, {
          elements: [
            { type: "plain_text_input", action_id: "a" },
            { type: "plain_text_input", action_id: "b" },
          ],
        }),
      ]),
      ["blocks[0].element: input block needs exactly one element"],
    ],
    [
      "a too long image alt_text",
      "message",
      message([{ type: "image", image_url: "https://example.com/a.png", alt_text: chars(2001) }]),
      ["blocks[0].alt_text: image alt_text is 2001 chars (max 2000)"],
    ],
    [
      "modal fields over their limits",
      "modal",
      modal([], {
        title: plain(chars(25)),
        submit: plain(chars(25)),
        close: mrkdwn("Close"),
        private_metadata: chars(3001),
        callback_id: chars(256),
        external_id: chars(256),
      }),
      [
        "title: modal title is 25 chars (max 24)",
        "submit: submit text is 25 chars (max 24)",
        "close: close text must be plain_text (got mrkdwn)",
        "private_metadata: private_metadata is 3001 chars (max 3000)",
        "callback_id: callback_id is 256 chars (max 255)",
        "external_id: external_id is 256 chars (max 255)",
      ],
    ],
    [
      "a modal with inputs but no submit",
      "modal",
      { title: plain("Edit"), blocks: [input({ type: "plain_text_input", action_id: "n" })] },
      ["submit: a modal with input blocks needs a submit button"],
    ],
    ["a modal without a title", "modal", { blocks: [] }, ["title: modal title is required"]],
    [
      "bad text objects",
      "message",
      message([{ type: "section", text: { type: "markdown", text: "*hi*" } }, section("")]),
      [
        'blocks[0].text: text object type must be "plain_text" or "mrkdwn" (got "markdown")',
        "blocks[1].text: section text is empty",
      ],
    ],
    [
      "unknown block and element types",
      "message",
      message([{ type: "sektion" }, actions({ type: "buton", action_id: "b" })]),
      [
        'blocks[0]: unknown block type "sektion"',
        'blocks[1].elements[0]: unknown element type "buton"',
      ],
    ],
  ];

  it.each(bad)("flags %s", (_name, surface, payload, expected) => {
    expect(blockKitViolations(surface, payload)).toEqual(expected);
  });
});

describe("assertWithinBlockKitLimits", () => {
  it("passes a payload within limits", () => {
    expect(() => assertWithinBlockKitLimits("message", message([section()]))).not.toThrow();
  });

  it("throws listing every violation", () => {
    const payload = message([{ type: "header", text: plain(chars(151)) }, section(chars(3001))]);
    expect(() => assertWithinBlockKitLimits("message", payload)).toThrow(
      [
        "Block Kit limits exceeded in message payload:",
        "  - blocks[0].text: header text is 151 chars (max 150)",
        "  - blocks[1].text: section text is 3001 chars (max 3000)",
      ].join("\n"),
    );
  });
});
