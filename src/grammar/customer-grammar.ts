import { tagRule } from "../customers/customer.js";
import { tagInputSchema } from "../customers/customer-input.js";
import type { CustomerQuery } from "../customers/customer-query.js";
import { AppError } from "../errors/app-error.js";
import { inviteEmailSchema } from "../input/invite-email.js";
import type { Currency } from "../money/currency.js";
import { normalizeUserText } from "../text/user-text.js";
import { lookupRef, requireRef } from "./customer-ref.js";
import { parseListQuery } from "./list-grammar.js";
import {
  type MoneyArgs,
  type NewPoolTotal,
  parseBalanceArgs,
  parseCreditsArgs,
  parsePoolArgs,
} from "./money-grammar.js";

const subcommands = [
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
  "history",
  "pool",
  "approvals",
  "link",
  "unlink",
  "links",
  "verify",
] as const;
type Subcommand = (typeof subcommands)[number];

/** The `/customer` subcommands that act on one customer and take nothing but its REF. */
type OneCustomerSubcommand =
  | "edit"
  | "enable"
  | "disable"
  | "password"
  | "billing"
  | "history"
  | "verify";

/** What `/customer …` asks for: one shape per subcommand, every value already checked. */
export type CustomerCommand =
  /** `/customer` alone: in a linked channel its customer's card, elsewhere the menu. */
  | { name: "bare" }
  | { name: "help" | "create" | "invites" | "approvals" | "unlink" | "links" }
  /** Links the channel the command was typed in to the customer REF names. */
  | { name: "link"; ref: string }
  | { name: "list"; query: CustomerQuery }
  | { name: "show"; ref: string }
  | { name: OneCustomerSubcommand; ref: string }
  /** `tag` is the new tag (null clears it); without one, the tag form opens. */
  | { name: "tag"; ref: string; tag?: string | null }
  /** `email` binds the invite to one address; null lets any email register. */
  | { name: "invite"; email: string | null }
  | ({ name: "balance" | "credits" } & MoneyArgs)
  /** Without `newTotal`, the pool's status. */
  | { name: "pool"; newTotal?: NewPoolTotal };

function isSubcommand(word: string): word is Subcommand {
  return (subcommands as readonly string[]).includes(word);
}

/** Parses the text after `/customer`. Throws AppError with a specific message for bad input. */
export function parseCustomerCommand(rawText: string, currency: Currency): CustomerCommand {
  const text = normalizeUserText(rawText, "command");
  if (text === "") return { name: "bare" };
  const [first = "", ...rest] = text.split(" ");
  const word = first.toLowerCase();
  const args = rest.join(" ");
  if (!isSubcommand(word)) return { name: "show", ref: lookupRef(text) };
  switch (word) {
    case "help":
    case "create":
    case "invites":
    case "approvals":
      return { name: word };
    case "list":
      return { name: "list", query: parseListQuery(args) };
    case "link":
      return { name: "link", ref: lookupRef(requireRef(args, "/customer link REF")) };
    case "unlink":
    case "links":
      if (args !== "")
        throw new AppError(
          "invalid_input",
          `\`/customer ${word}\` takes nothing after it${word === "unlink" ? ": run it in the linked channel" : ""}.`,
        );
      return { name: word };
    case "show":
      if (args === "")
        throw new AppError(
          "invalid_input",
          "Say which customer: `/customer show REF` (an account, an internal ID, or text matching one customer).",
        );
      return { name: "show", ref: lookupRef(args) };
    case "edit":
    case "enable":
    case "disable":
    case "password":
    case "billing":
    case "history":
    case "verify":
      return { name: word, ref: requireRef(args, `/customer ${word} REF`) };
    case "tag":
      return { name: "tag", ...parseTagArgs(args) };
    case "invite":
      return { name: "invite", email: parseInviteEmail(args) };
    case "balance":
      return { name: "balance", ...parseBalanceArgs(args, currency) };
    case "credits":
      return { name: "credits", ...parseCreditsArgs(args, currency) };
    case "pool":
      return { name: "pool", ...parsePoolArgs(args, currency) };
    default: {
      const unparsed: never = word;
      throw new Error(`no grammar for ${unparsed}`);
    }
  }
}

/** `tag REF TAG|none` sets or clears (the last word is the tag); `tag REF` opens the tag form. */
function parseTagArgs(args: string): { ref: string; tag?: string | null } {
  const usage = "/customer tag REF TAG|none";
  const words = args.split(" ").filter(Boolean);
  if (words.length <= 1) return { ref: requireRef(words.join(" "), usage) };
  const word = words.at(-1) ?? "";
  const tag = tagInputSchema.safeParse(word.toLowerCase() === "none" ? "" : word);
  if (!tag.success)
    throw new AppError("invalid_input", `\`${word}\` is not a valid tag: ${tagRule}.`);
  return { ref: requireRef(words.slice(0, -1).join(" "), usage), tag: tag.data };
}

/** `invite [email]`. */
function parseInviteEmail(text: string): string | null {
  const parsed = inviteEmailSchema.safeParse(text.trim());
  if (!parsed.success)
    throw new AppError(
      "invalid_input",
      `“${text.trim().slice(0, 80)}” is not an email address. Use \`/customer invite\` or \`/customer invite ana@example.com\`.`,
      { field: "email" },
    );
  return parsed.data;
}
