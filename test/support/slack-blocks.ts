/** Finding things in the blocks the app sent, the way a person finds a button on screen. */
export interface FoundButton {
  action_id: string;
  block_id?: string;
  value?: string;
  text: string;
  confirm?: unknown;
  style?: string;
}

type Block = {
  type?: string;
  block_id?: string;
  elements?: unknown[];
  accessory?: unknown;
  text?: { text?: string };
  fields?: { text?: string }[];
};

export function allButtons(blocks: unknown): FoundButton[] {
  const found: FoundButton[] = [];
  for (const block of (blocks as Block[] | undefined) ?? []) {
    const candidates = [
      ...(block.elements ?? []),
      ...(block.accessory ? [block.accessory] : []),
    ] as Record<string, unknown>[];
    for (const element of candidates) {
      if (element.type !== "button") continue;
      found.push({
        action_id: String(element.action_id),
        block_id: block.block_id,
        value: element.value as string | undefined,
        text: String((element.text as { text?: string } | undefined)?.text ?? ""),
        confirm: element.confirm,
        style: element.style as string | undefined,
      });
    }
  }
  return found;
}

/** The button whose label is `label` (exactly); throws listing the labels there are. */
export function buttonLabelled(blocks: unknown, label: string): FoundButton {
  const buttons = allButtons(blocks);
  const button = buttons.find((candidate) => candidate.text === label);
  if (!button)
    throw new Error(
      `no button “${label}”; buttons: ${buttons.map((b) => b.text).join(", ") || "none"}`,
    );
  return button;
}

/** All visible text of a block list, one line per text object, for asserting what a person reads. */
export function visibleText(blocks: unknown): string {
  const lines: string[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      if (
        (record.type === "mrkdwn" || record.type === "plain_text") &&
        typeof record.text === "string"
      )
        lines.push(record.text);
      for (const [key, value] of Object.entries(record))
        if (key !== "value" && key !== "action_id") visit(value);
    }
  };
  visit(blocks);
  return lines.join("\n");
}
