import { z } from "zod";
import { maxSearchTextLength } from "../blocks/button-values.js";
import { statuses, tagPattern, tagRule, teamTypes } from "../customers/customer.js";
import type { CustomerQuery } from "../customers/customer-query.js";
import { AppError } from "../errors/app-error.js";
import { normalizeUserText } from "./user-text.js";

/** Subcommands that exist in the grammar; those without a handler yet answer that they are coming. */
export const subcommands = [
  "help",
  "list",
  "show",
  "create",
  "invite",
  "invites",
  "edit",
  "balance",
  "credits",
  "tag",
  "enable",
  "disable",
  "password",
  "billing",
  "pool",
  "approvals",
  "history",
] as const;
export type Subcommand = (typeof subcommands)[number];

export type CustomerCommand =
  | { name: "help" }
  | { name: "list"; query: CustomerQuery }
  | { name: "show"; ref: string }
  | { name: Exclude<Subcommand, "help" | "list" | "show">; args: string };

const maxRefLength = 200;

const filterSchemas = {
  type: z.enum(teamTypes, { error: "type must be one of default, individual, enterprise" }),
  status: z.enum(statuses, { error: "status must be on or off" }),
  tag: z.string().regex(tagPattern, { error: `tag: ${tagRule}` }),
};
type FilterKey = keyof typeof filterSchemas;

function isSubcommand(word: string): word is Subcommand {
  return (subcommands as readonly string[]).includes(word);
}

/** Parses the text after `/customer`. Throws AppError with a specific message for bad input. */
export function parseCustomerCommand(rawText: string): CustomerCommand {
  const text = normalizeUserText(rawText, "command");
  if (text === "") return { name: "help" };
  const [first = "", ...rest] = text.split(" ");
  const word = first.toLowerCase();
  const args = rest.join(" ");
  if (!isSubcommand(word)) return { name: "show", ref: parseRef(text) };
  switch (word) {
    case "help":
      return { name: "help" };
    case "list":
      return { name: "list", query: parseListQuery(args) };
    case "show":
      if (args === "")
        throw new AppError(
          "invalid_input",
          "Say which customer: `/customer show REF` (an account, an internal ID, or text matching one customer).",
        );
      return { name: "show", ref: parseRef(args) };
    default:
      return { name: word, args };
  }
}

function parseRef(text: string): string {
  if (text.length > maxRefLength) {
    throw new AppError(
      "invalid_input",
      `That reference is ${text.length} characters long; the most is ${maxRefLength}.`,
    );
  }
  return text;
}

/** `[text] [type:T] [status:on|off] [tag:T]`, in any order; anything that is not a filter is search text. */
export function parseListQuery(args: string): CustomerQuery {
  const query: CustomerQuery = {};
  const words: string[] = [];
  for (const token of args.split(" ").filter(Boolean)) {
    const match = /^(type|status|tag):(.*)$/i.exec(token);
    if (!match) {
      words.push(token);
      continue;
    }
    const key = (match[1] ?? "").toLowerCase() as FilterKey;
    const parsed = filterSchemas[key].safeParse((match[2] ?? "").toLowerCase());
    if (!parsed.success) {
      throw new AppError(
        "invalid_input",
        `\`${token}\` is not a valid filter: ${parsed.error.issues[0]?.message}.`,
      );
    }
    if (key === "type") query.teamType = parsed.data as CustomerQuery["teamType"];
    else if (key === "status") query.status = parsed.data as CustomerQuery["status"];
    else query.tag = parsed.data;
  }
  const text = words.join(" ");
  if (text.length > maxSearchTextLength) {
    throw new AppError(
      "invalid_input",
      `The search text is ${text.length} characters long; the most is ${maxSearchTextLength}.`,
    );
  }
  if (text) query.text = text;
  return query;
}
