/**
 * Checks Block Kit payloads against Slack's documented limits, so tests fail here with a precise
 * message instead of Slack rejecting the payload in production with `invalid_blocks`.
 */

export type Surface = "message" | "modal" | "home";

export interface BlockKitPayload {
  blocks?: unknown[];
  /** A string, or built mrkdwn (which JSON turns into its string, as the app's payloads do). */
  text?: string | { toJSON(): string };
  title?: unknown;
  submit?: unknown;
  close?: unknown;
  private_metadata?: string;
  callback_id?: string;
  external_id?: string;
}

type Json = Record<string, unknown>;
type Report = (path: string, problem: string) => void;

interface TextRule {
  label: string;
  max?: number;
  plainOnly?: boolean;
}

/** A field holding a text object (or, with `many`, an array of them). */
interface TextLimit extends TextRule {
  field: string;
  required?: boolean;
  many?: boolean;
}

/** A field holding a plain string (or, for `isNumber`, a number) with a maximum. */
interface ValueLimit {
  field: string;
  label: string;
  max: number;
  required?: boolean;
  isNumber?: boolean;
}

interface CountLimit {
  field: string;
  label: string;
  min?: number;
  max: number;
}

interface Choice {
  field: string;
  label: string;
  allowed: string[];
}

type NestedKind = "option" | "optionGroup" | "confirm";
type ChildKind = "element" | "contextElement" | NestedKind;

interface Child {
  field: string;
  kind: ChildKind;
  many?: boolean;
}

interface NodeSpec {
  texts?: TextLimit[];
  values?: ValueLimit[];
  counts?: CountLimit[];
  choices?: Choice[];
  children?: Child[];
  /** For rules that do not fit the table. */
  check?: (node: Json, path: string, report: Report) => void;
}

const MAX_BLOCKS: Record<Surface, number> = { message: 50, modal: 100, home: 100 };
const SURFACE_NAMES: Record<Surface, string> = {
  message: "a message",
  modal: "a modal",
  home: "a home tab",
};

const viewFields: ValueLimit[] = [
  { field: "private_metadata", label: "private_metadata", max: 3000 },
  { field: "callback_id", label: "callback_id", max: 255 },
  { field: "external_id", label: "external_id", max: 255 },
];

const SURFACES: Record<Surface, NodeSpec> = {
  message: { values: [{ field: "text", label: "message text", max: 40_000 }] },
  modal: {
    texts: [
      { field: "title", label: "modal title", max: 24, plainOnly: true, required: true },
      { field: "submit", label: "submit text", max: 24, plainOnly: true },
      { field: "close", label: "close text", max: 24, plainOnly: true },
    ],
    values: viewFields,
    check: (view, path, report) => {
      const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => typeOf(b) === "input");
      if (hasInput && view.submit === undefined) {
        report(join(path, "submit"), "a modal with input blocks needs a submit button");
      }
    },
  },
  home: { values: viewFields },
};

const confirm: Child = { field: "confirm", kind: "confirm" };
const options: Child = { field: "options", kind: "option", many: true };
const initialOption: Child = { field: "initial_option", kind: "option" };
const initialOptions: Child = { field: "initial_options", kind: "option", many: true };
const placeholder: TextLimit = {
  field: "placeholder",
  label: "placeholder",
  max: 150,
  plainOnly: true,
};
const withPlaceholder: NodeSpec = { texts: [placeholder], children: [confirm] };

const staticSelect = (label: string): NodeSpec => ({
  texts: [placeholder],
  counts: [
    { field: "options", label: `${label} options`, max: 100 },
    { field: "option_groups", label: `${label} option_groups`, max: 100 },
  ],
  children: [
    confirm,
    options,
    { field: "option_groups", kind: "optionGroup", many: true },
    initialOption,
    initialOptions,
  ],
});

const optionList = (label: string, max: number): NodeSpec => ({
  counts: [{ field: "options", label: `${label} options`, min: 1, max }],
  children: [confirm, options, initialOption, initialOptions],
});

const imageElement: NodeSpec = {
  values: [
    { field: "alt_text", label: "image alt_text", max: 2000, required: true },
    { field: "image_url", label: "image_url", max: 3000 },
  ],
};

const ELEMENTS: Record<string, NodeSpec> = {
  button: {
    texts: [{ field: "text", label: "button text", max: 75, plainOnly: true, required: true }],
    values: [
      { field: "value", label: "button value", max: 2000 },
      { field: "url", label: "button url", max: 3000 },
    ],
    choices: [{ field: "style", label: "button style", allowed: ["primary", "danger"] }],
    children: [confirm],
  },
  overflow: {
    counts: [{ field: "options", label: "overflow options", min: 2, max: 5 }],
    children: [confirm, options],
  },
  static_select: staticSelect("static_select"),
  multi_static_select: staticSelect("multi_static_select"),
  external_select: { texts: [placeholder], children: [confirm, initialOption] },
  multi_external_select: { texts: [placeholder], children: [confirm, initialOptions] },
  users_select: withPlaceholder,
  multi_users_select: withPlaceholder,
  conversations_select: withPlaceholder,
  multi_conversations_select: withPlaceholder,
  channels_select: withPlaceholder,
  multi_channels_select: withPlaceholder,
  radio_buttons: optionList("radio_buttons", 10),
  checkboxes: optionList("checkboxes", 10),
  datepicker: withPlaceholder,
  timepicker: withPlaceholder,
  datetimepicker: { children: [confirm] },
  plain_text_input: {
    texts: [placeholder],
    values: [{ field: "max_length", label: "max_length", max: 3000, isNumber: true }],
  },
  email_text_input: { texts: [placeholder] },
  url_text_input: { texts: [placeholder] },
  number_input: { texts: [placeholder] },
  rich_text_input: { texts: [placeholder] },
  file_input: {},
  image: imageElement,
  workflow_button: {
    texts: [{ field: "text", label: "button text", max: 75, plainOnly: true, required: true }],
  },
};

const BLOCKS: Record<string, NodeSpec> = {
  section: {
    texts: [
      { field: "text", label: "section text", max: 3000 },
      { field: "fields", label: "section field", max: 2000, many: true },
    ],
    counts: [{ field: "fields", label: "section fields", max: 10 }],
    children: [{ field: "accessory", kind: "element" }],
  },
  header: {
    texts: [{ field: "text", label: "header text", max: 150, plainOnly: true, required: true }],
  },
  context: {
    counts: [{ field: "elements", label: "context elements", min: 1, max: 10 }],
    children: [{ field: "elements", kind: "contextElement", many: true }],
  },
  actions: {
    counts: [{ field: "elements", label: "actions elements", min: 1, max: 25 }],
    children: [{ field: "elements", kind: "element", many: true }],
  },
  input: {
    texts: [
      { field: "label", label: "input label", max: 2000, plainOnly: true, required: true },
      { field: "hint", label: "input hint", max: 2000, plainOnly: true },
    ],
    children: [{ field: "element", kind: "element" }],
    check: (block, path, report) => {
      if (!isObject(block.element) || block.elements !== undefined) {
        report(join(path, "element"), "input block needs exactly one element");
      }
    },
  },
  image: {
    ...imageElement,
    texts: [{ field: "title", label: "image title", max: 2000, plainOnly: true }],
  },
  divider: {},
  rich_text: {},
  markdown: { values: [{ field: "text", label: "markdown text", max: 12_000, required: true }] },
  file: {},
  video: {},
};

const CONFIRM: NodeSpec = {
  texts: [
    { field: "title", label: "confirm title", max: 100, plainOnly: true, required: true },
    { field: "text", label: "confirm text", max: 300, required: true },
    { field: "confirm", label: "confirm button text", max: 30, plainOnly: true, required: true },
    { field: "deny", label: "deny button text", max: 30, plainOnly: true, required: true },
  ],
  choices: [{ field: "style", label: "confirm style", allowed: ["primary", "danger"] }],
};

const OPTION: NodeSpec = {
  texts: [
    { field: "text", label: "option text", max: 75, required: true },
    { field: "description", label: "option description", max: 75 },
  ],
  values: [
    { field: "value", label: "option value", max: 150 },
    { field: "url", label: "option url", max: 3000 },
  ],
};

const OPTION_GROUP: NodeSpec = {
  texts: [
    { field: "label", label: "option group label", max: 75, plainOnly: true, required: true },
  ],
  counts: [{ field: "options", label: "option group options", max: 100 }],
  children: [options],
};

const NESTED: Record<NestedKind, NodeSpec> = {
  option: OPTION,
  optionGroup: OPTION_GROUP,
  confirm: CONFIRM,
};

/** Every limit problem in `payload` as "path: problem"; empty when the payload is within limits. */
export function blockKitViolations(surface: Surface, payload: BlockKitPayload): string[] {
  const violations: string[] = [];
  const report: Report = (path, problem) => violations.push(`${path}: ${problem}`);
  const walker = new Walker(report);
  const sent = JSON.parse(JSON.stringify(payload)) as Json & { blocks?: unknown[] };
  walker.checkNode(sent, SURFACES[surface], "");
  walker.checkBlocks(surface, sent.blocks);
  return violations;
}

export function assertWithinBlockKitLimits(surface: Surface, payload: BlockKitPayload): void {
  const violations = blockKitViolations(surface, payload);
  if (violations.length > 0) {
    throw new Error(
      `Block Kit limits exceeded in ${surface} payload:\n${violations.map((v) => `  - ${v}`).join("\n")}`,
    );
  }
}

class Walker {
  /** action_ids seen in the block being walked, for the uniqueness-within-a-block rule. */
  private actionIds = new Map<string, string>();

  constructor(private readonly report: Report) {}

  checkBlocks(surface: Surface, blocks: unknown): void {
    if (blocks === undefined) return;
    if (!Array.isArray(blocks)) {
      this.report("blocks", "must be an array");
      return;
    }
    if (blocks.length > MAX_BLOCKS[surface]) {
      this.report(
        "blocks",
        `${blocks.length} blocks (max ${MAX_BLOCKS[surface]} in ${SURFACE_NAMES[surface]})`,
      );
    }
    const blockIds = new Map<string, string>();
    blocks.forEach((block, index) => {
      const path = `blocks[${index}]`;
      if (!isObject(block)) {
        this.report(path, "block must be an object");
        return;
      }
      const spec = BLOCKS[String(block.type)];
      if (!spec) {
        this.report(path, `unknown block type ${JSON.stringify(block.type)}`);
        return;
      }
      this.checkUniqueId(block, "block_id", path, blockIds, "");
      this.actionIds = new Map();
      this.checkNode(block, spec, path);
    });
  }

  checkNode(node: Json, spec: NodeSpec, path: string): void {
    for (const limit of spec.texts ?? []) this.checkTextField(node, limit, path);
    for (const limit of spec.values ?? []) this.checkValue(node, limit, path);
    for (const limit of spec.counts ?? []) this.checkCount(node, limit, path);
    for (const choice of spec.choices ?? []) this.checkChoice(node, choice, path);
    for (const child of spec.children ?? []) {
      const value = node[child.field];
      if (value === undefined) continue;
      const childPath = join(path, child.field);
      if (!child.many) {
        this.checkChild(child.kind, value, childPath);
      } else if (Array.isArray(value)) {
        for (const [i, item] of value.entries()) {
          this.checkChild(child.kind, item, `${childPath}[${i}]`);
        }
      }
    }
    spec.check?.(node, path, this.report);
  }

  private checkChild(kind: ChildKind, value: unknown, path: string): void {
    if (!isObject(value)) {
      this.report(path, "must be an object");
      return;
    }
    if (kind === "element") {
      this.checkElement(value, path);
    } else if (kind === "contextElement") {
      if (value.type === "image") this.checkNode(value, imageElement, path);
      else this.checkTextObject(value, { label: "context text" }, path);
    } else {
      this.checkNode(value, NESTED[kind], path);
    }
  }

  private checkElement(element: Json, path: string): void {
    const spec = ELEMENTS[String(element.type)];
    if (!spec) {
      this.report(path, `unknown element type ${JSON.stringify(element.type)}`);
      return;
    }
    this.checkUniqueId(element, "action_id", path, this.actionIds, " in block");
    this.checkNode(element, spec, path);
  }

  private checkUniqueId(
    node: Json,
    field: "block_id" | "action_id",
    path: string,
    seen: Map<string, string>,
    scope: string,
  ): void {
    const id = node[field];
    if (id === undefined) return;
    this.checkValue(node, { field, label: field, max: 255 }, path);
    if (typeof id !== "string") return;
    const first = seen.get(id);
    if (first !== undefined) {
      this.report(
        join(path, field),
        `duplicate ${field} ${JSON.stringify(id)}${scope} (first at ${first})`,
      );
    } else {
      seen.set(id, path);
    }
  }

  private checkTextField(node: Json, limit: TextLimit, path: string): void {
    const value = node[limit.field];
    const fieldPath = join(path, limit.field);
    if (value === undefined) {
      if (limit.required) this.report(fieldPath, `${limit.label} is required`);
      return;
    }
    if (!limit.many) {
      this.checkTextObject(value, limit, fieldPath);
    } else if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) {
        this.checkTextObject(item, limit, `${fieldPath}[${i}]`);
      }
    }
  }

  private checkTextObject(value: unknown, limit: TextRule, path: string): void {
    if (!isObject(value)) {
      this.report(path, `${limit.label} must be a text object`);
      return;
    }
    if (value.type !== "plain_text" && value.type !== "mrkdwn") {
      this.report(
        path,
        `text object type must be "plain_text" or "mrkdwn" (got ${JSON.stringify(value.type)})`,
      );
    } else if (limit.plainOnly && value.type !== "plain_text") {
      this.report(path, `${limit.label} must be plain_text (got ${value.type})`);
    }
    if (typeof value.text !== "string" || value.text.length === 0) {
      this.report(path, `${limit.label} is empty`);
    } else if (limit.max !== undefined && value.text.length > limit.max) {
      this.report(path, `${limit.label} is ${value.text.length} chars (max ${limit.max})`);
    }
  }

  private checkValue(node: Json, limit: ValueLimit, path: string): void {
    const value = node[limit.field];
    const fieldPath = join(path, limit.field);
    if (value === undefined) {
      if (limit.required) this.report(fieldPath, `${limit.label} is required`);
      return;
    }
    if (limit.isNumber) {
      if (typeof value !== "number") this.report(fieldPath, `${limit.label} must be a number`);
      else if (value > limit.max) {
        this.report(fieldPath, `${limit.label} is ${value} (max ${limit.max})`);
      }
      return;
    }
    if (typeof value !== "string") {
      this.report(fieldPath, `${limit.label} must be a string`);
    } else if (value.length > limit.max) {
      this.report(fieldPath, `${limit.label} is ${value.length} chars (max ${limit.max})`);
    }
  }

  private checkCount(node: Json, limit: CountLimit, path: string): void {
    const value = node[limit.field];
    if (value === undefined && limit.min === undefined) return;
    const fieldPath = join(path, limit.field);
    if (!Array.isArray(value)) {
      this.report(fieldPath, `${limit.label} must be an array`);
      return;
    }
    if (value.length > limit.max) {
      this.report(fieldPath, `${limit.label} has ${value.length} items (max ${limit.max})`);
    } else if (limit.min !== undefined && value.length < limit.min) {
      this.report(fieldPath, `${limit.label} has ${value.length} items (min ${limit.min})`);
    }
  }

  private checkChoice(node: Json, choice: Choice, path: string): void {
    const value = node[choice.field];
    if (value === undefined || choice.allowed.includes(value as string)) return;
    this.report(
      join(path, choice.field),
      `${choice.label} must be one of ${choice.allowed.join(", ")} (got ${JSON.stringify(value)})`,
    );
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function typeOf(block: unknown): unknown {
  return isObject(block) ? block.type : undefined;
}

function join(path: string, field: string): string {
  return path === "" ? field : `${path}.${field}`;
}
